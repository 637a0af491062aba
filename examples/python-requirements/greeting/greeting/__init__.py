"""The dependency of the python-requirements example."""


def greet(name):
    return "Hello from the greeting package, " + name + "!"
