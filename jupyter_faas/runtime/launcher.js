/*
 * The Node.js launcher: what runs inside a Node.js kind's action process, as upstream's
 * openwhisk/action-nodejs-v20 does (core/nodejsActionBase: runner.js loads the action, service.js
 * answers /init and /run).
 *
 * launcher.py starts it (after the lifeline, the subreaper and the sandbox are in place) with the same
 * pipes and speaks for it until then; from here the protocol is launcher.py's, one JSON object per line:
 * commands on stdin ({"init": {"main", "env", "dir"}}, then {"run": {"value", "activation_id", ...}}),
 * answers on the fd of argv[2] ({"ready": true} first; {"ok": true} or {"error", "status"} for an init;
 * the result for a run), XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX on stdout and stderr before each answer.
 * A run upstream answers with a non-200 (a throw, a rejected init, a result that is not an object)
 * answers "\x1edeveloper " + {"error"}: no JSON starts with \x1e, and the parent reads it as the
 * invoker reads a non-200 answer (a developer error; the container is destroyed).
 *
 * The parent has already put the action in "dir": main__.js for plain code, the zip's files for a zip.
 * Standard library only. Not strict mode: the action's code is evaluated here, as upstream's runner.js
 * evaluates it, and must see the same (sloppy) semantics.
 */

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const Module = require('module');
const vm = require('vm');

const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
const DEVELOPER = '\x1edeveloper ';
const INIT_TWICE = 'Cannot initialize the action more than once.';
const answerFd = Number(process.argv[2] || 3);

function writeAll(text) {
  const data = Buffer.from(text + '\n', 'utf8');
  let done = 0;
  while (done < data.length) {
    done += fs.writeSync(answerFd, data, done, data.length - done);
  }
}

function answer(obj) {
  writeAll(JSON.stringify(obj));
}

function writeMarkers() {
  console.log(SENTINEL);
  console.error(SENTINEL);
}

/* serialize-error 2.x (what upstream's image installs): own enumerable fields, then name, message, stack. */
function destroyCircular(from, seen) {
  const to = Array.isArray(from) ? [] : {};
  seen.push(from);
  for (const key of Object.keys(from)) {
    const value = from[key];
    if (typeof value === 'function') continue;
    if (!value || typeof value !== 'object') {
      to[key] = value;
      continue;
    }
    to[key] = seen.indexOf(value) === -1 ? destroyCircular(value, seen.slice(0)) : '[Circular]';
  }
  if (typeof from.name === 'string') to.name = from.name;
  if (typeof from.message === 'string') to.message = from.message;
  if (typeof from.stack === 'string') to.stack = from.stack;
  return to;
}

function serializeError(value) {
  if (typeof value === 'object') return destroyCircular(value, []);
  if (typeof value === 'function') return `[Function: ${value.name || 'anonymous'}]`;
  return value;
}

/* runner.js's splitMainHandler: "fn" -> [undefined, "fn"]; "file.fn" -> ["file", "fn"]. */
function splitMainHandler(handler) {
  const matches = handler.match(/^([^.]+)$|^([^.]+)\.(.+)$/);
  if (matches && matches.length === 4) return [matches[2], matches[3] || matches[1]];
  return undefined;
}

function assertMainIsFunction(handler, name) {
  if (typeof handler === 'function') return Promise.resolve(handler);
  return Promise.reject("Action entrypoint '" + name + "' is not a function.");
}

/* Plain code, as runner.js evaluates it: the function named main, else module.exports.main. Compiled on
 * its own (vm), so it sees none of this file's names: only module, exports and require, of a module of its
 * own (main__.js) where upstream's code sees runner.js's. */
function evaluate(code, main, filename) {
  const module = new Module(filename, null);
  module.filename = filename;
  module.paths = Module._nodeModulePaths(path.dirname(filename));
  const wrapper = vm.runInThisContext(
    `(function (module, exports, require) { return (function(){
               ${code}
               try {
                 return ${main}
               } catch (e) {
                 if (e.name === 'ReferenceError') {
                    return module.exports.${main} || exports.${main}
                 } else throw e
               }
           })() })`,
    { filename }
  );
  return wrapper(module, module.exports, Module.createRequire(filename));
}

function initializeActionHandler(message) {
  const dir = message.dir;
  const main = message.main || 'main';
  process.chdir(dir);
  const source = path.join(dir, 'main__.js');
  if (fs.existsSync(source)) {
    try {
      return assertMainIsFunction(evaluate(fs.readFileSync(source, 'utf8'), main, source), main);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  const parts = splitMainHandler(main);
  if (parts === undefined) return Promise.reject('Name of main function is not valid.');
  const [index, fn] = parts;
  if (index === undefined && !fs.existsSync('package.json') && !fs.existsSync('index.js')) {
    return Promise.reject(
      'Zipped actions must contain either package.json or index.js at the root.'
    );
  }
  try {
    const loaded = require(index !== undefined ? path.join(dir, index) : dir);
    void loaded;
    return assertMainIsFunction(eval('loaded.' + fn), main);
  } catch (e) {
    return Promise.reject(e);
  }
}

function setEnv(env) {
  for (const key of Object.keys(env || {})) {
    const val = env[key];
    if (typeof val !== 'object' || val == null) process.env[key] = val ? val.toString() : '';
    else process.env[key] = JSON.stringify(val);
  }
}

/* NodeActionRunner.run: a result, a promise of one, undefined -> {}; a rejection -> {error}. */
function runHandler(handler, args) {
  return new Promise((resolve, reject) => {
    let result;
    try {
      result = handler(args);
    } catch (e) {
      reject(e);
    }
    Promise.resolve(result)
      .then(resolved => resolve(typeof resolved === 'undefined' ? {} : resolved))
      .catch(error => resolve(error ? { error: serializeError(error) } : { error: {} }));
  });
}

let handler;

function init(message) {
  if (handler !== undefined) {
    console.error('Internal system error:', INIT_TWICE);
    writeMarkers();
    answer({ error: INIT_TWICE, status: 403 });
    return Promise.resolve();
  }
  setEnv(message.env);
  return initializeActionHandler(message).then(
    loaded => {
      handler = loaded;
      writeMarkers();
      answer({ ok: true });
    },
    error => {
      console.error('Error during initialization:', error);
      writeMarkers();
      const text = error && error.stack ? String(error.stack) : error;
      answer({ error: `Initialization has failed due to: ${text}`, status: 502 });
      process.exit(1);
    }
  );
}

function developerError(text) {
  writeAll(DEVELOPER + JSON.stringify({ error: text }));
}

function run(msg) {
  if (handler === undefined) {
    writeMarkers();
    answer({ error: 'System not initialized.', status: 403 });
    return Promise.resolve();
  }
  if (msg.value === null || msg.value === undefined) msg.value = {};
  delete process.env.__OW_API_KEY; // only a run that is given the key sees it
  for (const key of Object.keys(msg)) {
    if (typeof msg[key] === 'string' && key !== 'value')
      process.env['__OW_' + key.toUpperCase()] = msg[key];
  }
  return runHandler(handler, msg.value).then(
    result => {
      if (typeof result !== 'object') {
        console.error(`Result must be of type object but has type "${typeof result}":`, result);
        writeMarkers();
        developerError('The action did not return a dictionary.');
        return;
      }
      let text;
      try {
        text = JSON.stringify(result);
      } catch (e) {
        writeMarkers();
        developerError(`The action did not produce a valid JSON response: ${e}`);
        return;
      }
      writeMarkers();
      writeAll(text === undefined ? 'null' : text);
    },
    error => {
      console.error(error);
      writeMarkers();
      developerError(`An error has occurred: ${error}`);
    }
  );
}

function serve() {
  answer({ ready: true });
  let chain = Promise.resolve();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', line => {
    chain = chain.then(() => {
      const command = JSON.parse(line);
      if (command.init) return init(command.init);
      if (command.run) return run(command.run);
      return undefined;
    });
  });
  lines.on('close', () => chain.then(() => process.exit(0)));
}

serve();
