// A Node web app: listens where the heart says (PM_LISTEN_ADDRESS, PM_PORT)
// and answers with its dependency's greeting and the Node version.
const http = require('http');
const { greet } = require('greeting');

const port = Number(process.env.PM_PORT || 8000);
const address = process.env.PM_LISTEN_ADDRESS || '0.0.0.0';

http
  .createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${greet('node-hello')} (node ${process.versions.node})\n`);
  })
  .listen(port, address);

process.on('SIGTERM', () => process.exit(0));
