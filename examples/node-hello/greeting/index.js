// The dependency of the node-hello example, installed by `npm ci` at prepare.
exports.greet = (name) => `Hello from the greeting package, ${name}!`;
