// Placeholder entry point; the real CLI wiring lands with the foundation.
process.stdout.write("tacit\n");
