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
    rerunOn(pinned);
  } else {
    process.stderr.write(
      "tacit needs Node.js " +
        MINIMUM_MAJOR +
        " or newer; this is " +
        process.version +
        ". Install a current Node (https://nodejs.org) and run tacit again.\n",
    );
    process.exit(1);
  }
} else {
  // Set by the launcher below only to stop a second re-run; the commands tacit starts (the Bash tool, a
  // hook, a nested tacit that would then refuse instead of re-running) must not inherit it.
  delete process.env.TACIT_REEXEC;
  start();
}

/**
 * Runs tacit on the pinned Node and stands in for it until it ends: the signals sent to this process are
 * passed on (so a `kill` never leaves a TUI holding the terminal raw, or acp running, orphaned), and this
 * process ends as tacit did, with its code or its signal.
 */
function rerunOn(node) {
  var childProcess = require("node:child_process");
  var child = childProcess.spawn(node, [__filename].concat(process.argv.slice(2)), {
    stdio: "inherit",
    env: Object.assign({}, process.env, { TACIT_REEXEC: "1" }),
  });
  var forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
  function forward(signal) {
    // Ctrl+C in a terminal goes to the whole foreground process group, tacit included: sent again, it
    // would count as a second Ctrl+C (which ends a headless run at once, without its "interrupted").
    if (signal === "SIGINT" && inTerminalForeground()) return;
    child.kill(signal);
  }
  forwarded.forEach(function (signal) {
    process.on(signal, forward);
  });
  child.on("error", function (error) {
    couldNotStart(error);
  });
  child.on("exit", function (code, signal) {
    forwarded.forEach(function (name) {
      process.removeListener(name, forward);
    });
    if (signal) {
      // Ended by a signal: end by the same one, so the shell sees what it would have without this launcher.
      process.kill(process.pid, signal);
      process.exit(128 + (require("node:os").constants.signals[signal] || 0));
    }
    process.exit(code === null ? 1 : code);
  });
}

/**
 * Whether this process is in the foreground process group of a terminal, where a Ctrl+C reaches every
 * process of the group. The TUI reads keys raw, so there Ctrl+C is a key, not a signal: a SIGINT then
 * comes from `kill`, and is passed on only when this process is not in the foreground (the usual case
 * for `kill`, from another terminal or a script).
 */
function inTerminalForeground() {
  try {
    // Linux: /proc/self/stat after the command's name: state ppid pgrp session tty_nr tpgid.
    var stat = fs.readFileSync("/proc/self/stat", "utf8");
    var fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[5] !== "-1" && fields[2] === fields[5];
  } catch (error) {
    // Elsewhere (macOS): ps knows both.
    var ps = require("node:child_process").spawnSync(
      "ps",
      ["-o", "pgid=,tpgid=", "-p", String(process.pid)],
      {
        encoding: "utf8",
      },
    );
    var groups = String(ps.stdout || "")
      .trim()
      .split(/\s+/);
    return groups.length === 2 && groups[1] !== "-1" && groups[0] === groups[1];
  }
}

function start() {
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
}

function couldNotStart(error) {
  // One line: Node's "Cannot find module" goes on with its require stack.
  var message = String(error && error.message ? error.message : error).split("\n")[0];
  // A checkout after `npm install` alone has no dist/ yet: say how to make it.
  var unbuilt =
    error &&
    error.code === "MODULE_NOT_FOUND" &&
    !fs.existsSync(path.join(__dirname, "..", "dist", "cli.cjs"));
  process.stderr.write(
    "tacit: could not start: " +
      message +
      (unbuilt ? " (tacit is not built yet: run npm run build)" : "") +
      "\n",
  );
  process.exit(1);
}
