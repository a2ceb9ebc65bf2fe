#!/usr/bin/env node
// The launcher stays plain old JavaScript so that an old Node can run it far
// enough to say what is wrong, instead of failing on syntax it does not know.
"use strict";
var path = require("node:path");
var fs = require("node:fs");

var MINIMUM_MAJOR = 22;
var major = Number(process.versions.node.split(".")[0]);

if (major < MINIMUM_MAJOR) {
  // In a checkout, the pinned Node 24 from devDependencies is right here: use it.
  var pinned = path.join(__dirname, "..", "node_modules", "node", "bin", "node");
  if (fs.existsSync(pinned) && process.env.TACIT_REEXEC !== "1") {
    var child = require("node:child_process").spawnSync(pinned, [__filename].concat(process.argv.slice(2)), {
      stdio: "inherit",
      env: Object.assign({}, process.env, { TACIT_REEXEC: "1" }),
    });
    process.exit(child.status === null ? 1 : child.status);
  }
  process.stderr.write(
    "tacit needs Node.js " +
      MINIMUM_MAJOR +
      " or newer; this is " +
      process.version +
      ". Install a current Node (https://nodejs.org) and run tacit again.\n",
  );
  process.exit(1);
}

// Every command runs from one CommonJS file with a V8 code cache made after a run, kept in the user's
// own folder (src/cli/print-bundle-loader.ts says why): compiling the code again is most of the start-up.
// Node's compile cache, for the few files loaded as modules (this loader, a worker's file), goes there too.
var launcher;
try {
  launcher = require(path.join(__dirname, "..", "dist", "print", "load-print.cjs"));
  launcher.enableCompileCache();
} catch (error) {
  couldNotStart(error);
}

// A headless run (a word like -p or --print) goes straight into its own bundle, which holds only the
// headless run's code, parses the whole line itself and hands anything else back (src/cli/print-entry.ts
// says why). Everything else (the TUI, acp, the subcommands) runs from dist/cli.cjs, whose cache is kept
// by command (the TUI's, acp's, `memory`'s…): a cache holds only what its run compiled.
var argv = process.argv.slice(2);
var looksHeadless = argv.some(function (word) {
  return word === "--print" || /^-[A-Za-z]*p[A-Za-z]*$/.test(word);
});
function startHeadless() {
  var entry = launcher.loadBundle(path.join(__dirname, "..", "dist", "print", "print-entry.cjs"));
  return entry.startFromCommandLine(argv).then(function (handled) {
    // Its own cache (role "print"): a line like this is not the TUI, whose cache it would otherwise fill.
    if (!handled) return startFull("print");
  });
}
function startFull(role) {
  var bundle = path.join(__dirname, "..", "dist", "cli.cjs");
  return launcher.loadBundle(bundle, role || launcher.cacheRoleOf(argv)).main();
}
Promise.resolve()
  .then(function () {
    return looksHeadless ? startHeadless() : startFull();
  })
  .catch(couldNotStart);

function couldNotStart(error) {
  // One line: Node's "Cannot find module" goes on with its require stack.
  var message = String(error && error.message ? error.message : error).split("\n")[0];
  process.stderr.write("tacit: could not start: " + message + "\n");
  process.exit(1);
}
