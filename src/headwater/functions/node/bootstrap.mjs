// The Node.js runtime that runs inside an execution environment (a worker process), written for
// Headwater after the behaviour of AWS's runtime interface client for nodejs18.x and newer.
//
// Started by the server as `node bootstrap.mjs`, never bundled with user code. It loads _HANDLER
// ("dir/file.export") from LAMBDA_TASK_ROOT as CommonJS or as an ES module, then loops over the
// Lambda Runtime API at AWS_LAMBDA_RUNTIME_API. console.* lines are written as AWS writes them:
// "<ISO time>\t<request id>\t<LEVEL>\t<message>", newlines inside a message turned into "\r".
// After init and after each invocation it writes MARKER to stdout so the server can tell which
// output was whose (keep in sync with functions/output.py).

import fs from "node:fs";
import http from "node:http";
import { createRequire, register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import util from "node:util";

const MARKER = Buffer.from("\x1e\x1fheadwater-end\x1f\n", "latin1");
const API = "/2018-06-01/runtime";
// Where AWS's runtime lives; its error messages name it.
const RUNTIME_INDEX = "/var/runtime/index.mjs";

let currentRequestId;

// ---- logging ------------------------------------------------------------------------------

function writeLine(level, args) {
  const message = util.format(...args);
  const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}`;
  fs.writeSync(1, line.replace(/\n/g, "\r") + "\n");
}

function patchConsole() {
  const levels = { log: "INFO", info: "INFO", debug: "DEBUG", warn: "WARN", error: "ERROR",
                   trace: "TRACE" };
  for (const [name, level] of Object.entries(levels)) {
    console[name] = (...args) => writeLine(level, args);
  }
  console.fatal = (...args) => writeLine("FATAL", args);
}

function endSegment() {
  fs.writeSync(1, MARKER);
}

// ---- errors -------------------------------------------------------------------------------

class ImportModuleError extends Error {
  constructor(message) { super(message); this.name = "Runtime.ImportModuleError"; }
}
class HandlerNotFound extends Error {
  constructor(message) { super(message); this.name = "Runtime.HandlerNotFound"; }
}
class MalformedHandlerName extends Error {
  constructor(message) { super(message); this.name = "Runtime.MalformedHandlerName"; }
}
class CallbackHandlerDeprecated extends Error {
  constructor(message) { super(message); this.name = "Runtime.CallbackHandlerDeprecated"; }
}
class UserCodeSyntaxError extends Error {
  constructor(cause) {
    super(String(cause));
    this.name = "Runtime.UserCodeSyntaxError";
    this.stack = cause.stack;
  }
}

function stackLines(error) {
  return typeof error?.stack === "string" ? error.stack.split("\n") : [];
}

// The payload posted to /error (AWS: errorType, errorMessage, trace).
function errorPayload(error) {
  if (error instanceof Error) {
    return { errorType: error.name || "Error", errorMessage: error.message,
             trace: stackLines(error) };
  }
  if (typeof error === "string") {
    return { errorType: "string", errorMessage: error, trace: [] };
  }
  let message;
  try { message = JSON.stringify(error); } catch { message = String(error); }
  return { errorType: typeof error, errorMessage: message, trace: [] };
}

// What the runtime logs for an error: the payload with "stack" for "trace".
function logError(title, payload) {
  const logged = { errorType: payload.errorType, errorMessage: payload.errorMessage,
                   stack: payload.trace };
  writeLine("ERROR", [`${title} \t${JSON.stringify(logged)}`]);
}

// ---- the Runtime API ------------------------------------------------------------------------

const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API || "").split(":");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, route, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: apiHost, port: Number(apiPort), method, path: API + route, agent,
        headers: body === undefined ? headers
          : { ...headers, "Content-Type": "application/json",
              "Content-Length": Buffer.byteLength(body) } },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => resolve({ response, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      });
    request.on("error", reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

async function post(route, body, errorType) {
  const headers = errorType ? { "Lambda-Runtime-Function-Error-Type": errorType } : {};
  try {
    await call("POST", route, body, headers);
  } catch {
    // A body over the Runtime API's limit is answered 413 and the connection closed while we
    // still send; the invocation is already settled.
  }
}

// ---- loading the handler ------------------------------------------------------------------

function splitHandler(handler) {
  const slash = handler.lastIndexOf("/");
  const dot = handler.indexOf(".", slash + 1);
  if (dot < 0) throw new MalformedHandlerName(`Bad handler ${handler}`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function typeModule(file) {
  let dir = path.dirname(file);
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      try { return JSON.parse(fs.readFileSync(manifest, "utf8")).type === "module"; }
      catch { return false; }
    }
    const up = path.dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
}

function isSyntaxError(error) {
  return error instanceof SyntaxError || error?.name === "SyntaxError";
}

function missingModule(error, file) {
  return (error?.code === "MODULE_NOT_FOUND" || error?.code === "ERR_MODULE_NOT_FOUND")
    && typeof error.message === "string" && error.message.split("\n")[0].includes(file);
}

async function loadModule(root, module) {
  const base = path.resolve(root, module);
  const require = createRequire(path.join(root, "__headwater_runtime__.js"));
  const candidates = [];
  if (fs.existsSync(base) && fs.statSync(base).isFile()) candidates.push([base, "require"]);
  const js = `${base}.js`;
  if (fs.existsSync(js)) candidates.push([js, typeModule(js) ? "import" : "require"]);
  if (fs.existsSync(`${base}.mjs`)) candidates.push([`${base}.mjs`, "import"]);
  if (fs.existsSync(`${base}.cjs`)) candidates.push([`${base}.cjs`, "require"]);
  if (candidates.length === 0) {
    throw new ImportModuleError(
      `Error: Cannot find module '${module}'\nRequire stack:\n- ${RUNTIME_INDEX}`);
  }
  const [file, how] = candidates[0];
  try {
    if (how === "require") return require(file);
    return await import(pathToFileURL(file).href);
  } catch (error) {
    if (isSyntaxError(error)) throw new UserCodeSyntaxError(error);
    if (error?.code === "MODULE_NOT_FOUND" || error?.code === "ERR_MODULE_NOT_FOUND") {
      if (missingModule(error, file)) {
        throw new ImportModuleError(
          `Error: Cannot find module '${module}'\nRequire stack:\n- ${RUNTIME_INDEX}`);
      }
      const wrapped = new ImportModuleError(`${error.name}: ${error.message}`);
      wrapped.stack = error.stack;
      throw wrapped;
    }
    throw error;
  }
}

async function loadHandler(root, handlerString) {
  const [module, handlerPath] = splitHandler(handlerString);
  const loaded = await loadModule(root, module);
  let handler = loaded;
  for (const part of handlerPath.split(".")) {
    handler = handler?.[part];
  }
  // An ES module importing CommonJS sees module.exports as `default`.
  if (handler === undefined && loaded?.default !== undefined) {
    handler = handlerPath.split(".").reduce((value, part) => value?.[part], loaded.default);
  }
  const name = `${path.basename(module)}.${handlerPath}`;
  if (handler === undefined) {
    throw new HandlerNotFound(`${name} is undefined or not exported`);
  }
  if (typeof handler !== "function") {
    throw new HandlerNotFound(`${name} is not a function`);
  }
  if (!callbacksAllowed() && handler.constructor?.name !== "AsyncFunction"
      && handler.length >= 3) {
    throw new CallbackHandlerDeprecated(
      `${name} takes a callback: callback-based function handlers are not supported in the `
      + "Node.js 24 runtime and later; use an async handler (return a value or a promise).");
  }
  return handler;
}

// AWS removed callback-style handlers from nodejs24.x on (they stay in 18, 20 and 22).
function callbacksAllowed() {
  const major = Number((process.env.AWS_EXECUTION_ENV || "").match(/nodejs(\d+)/)?.[1] || 0);
  return major < 24;
}

// ---- the SDK ------------------------------------------------------------------------------

function registerSdkResolver() {
  const sdk = process.env._HEADWATER_NODE_SDK;
  delete process.env._HEADWATER_NODE_SDK;
  if (!sdk || typeof register !== "function") return;
  register("./sdk_resolver.mjs", import.meta.url, { data: { sdk } });
}

// ---- invocations --------------------------------------------------------------------------

function context(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"] || 0);
  const parse = (raw) => { try { return raw ? JSON.parse(raw) : undefined; } catch { return undefined; } };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parse(headers["lambda-runtime-cognito-identity"]),
    clientContext: parse(headers["lambda-runtime-client-context"]),
    getRemainingTimeInMillis() { return Math.max(deadline - Date.now(), 0); },
  };
}

function marshal(result) {
  return JSON.stringify(result === undefined ? null : result);
}

// Runs one invocation; resolves once its outcome is posted.
function invoke(handler, requestId, event, ctx) {
  return new Promise((settle) => {
    let finished = false;
    let pendingBeforeExit = null;

    const finish = async (error, result) => {
      if (finished) return;
      finished = true;
      process.removeListener("beforeExit", onBeforeExit);
      if (error !== null && error !== undefined) {
        const payload = errorPayload(error);
        logError("Invoke Error", payload);
        endSegment();
        await post(`/invocation/${requestId}/error`, JSON.stringify(payload), payload.errorType);
      } else {
        let body;
        try {
          body = marshal(result);
        } catch (marshalError) {
          const payload = { errorType: "Runtime.MarshalError",
                            errorMessage: `Unable to stringify response body`, trace: [] };
          logError("Invoke Error", payload);
          endSegment();
          await post(`/invocation/${requestId}/error`, JSON.stringify(payload), payload.errorType);
          settle();
          return;
        }
        endSegment();
        await post(`/invocation/${requestId}/response`, body);
      }
      settle();
    };

    // The event loop went empty: a callback that waited for it is answered now; a handler that
    // neither returned a promise nor called back succeeds with null, as AWS's does.
    const onBeforeExit = () => {
      if (pendingBeforeExit) {
        const [error, result] = pendingBeforeExit;
        pendingBeforeExit = null;
        finish(error, result);
      } else {
        finish(null, null);
      }
    };
    process.on("beforeExit", onBeforeExit);

    const callback = (error, result) => {
      if (finished || pendingBeforeExit) return;
      if (ctx.callbackWaitsForEmptyEventLoop) pendingBeforeExit = [error, result];
      else finish(error, result);
    };
    ctx.done = callback;
    ctx.succeed = (result) => callback(null, result);
    ctx.fail = (error) => callback(error ?? "handled");

    let returned;
    try {
      returned = handler(event, ctx, callback);
    } catch (error) {
      finish(error);
      return;
    }
    if (returned && typeof returned.then === "function") {
      returned.then((result) => finish(null, result), (error) => finish(error ?? "undefined"));
    }
  });
}

async function main() {
  patchConsole();
  registerSdkResolver();
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  process.chdir(root);
  let handler;
  try {
    handler = await loadHandler(root, process.env._HANDLER || "");
  } catch (error) {
    const payload = errorPayload(error);
    logError("Uncaught Exception", payload);
    endSegment();
    await post("/init/error", JSON.stringify(payload), payload.errorType);
    process.exit(1);
  }
  endSegment();
  for (;;) {
    const { response, body } = await call("GET", "/invocation/next");
    const headers = response.headers;
    const requestId = headers["lambda-runtime-aws-request-id"];
    currentRequestId = requestId;
    if (headers["lambda-runtime-trace-id"]) {
      process.env._X_AMZN_TRACE_ID = headers["lambda-runtime-trace-id"];
    }
    let event;
    try {
      event = body.length ? JSON.parse(body.toString("utf8")) : {};
    } catch (error) {
      const payload = errorPayload(error);
      logError("Invoke Error", payload);
      endSegment();
      await post(`/invocation/${requestId}/error`, JSON.stringify(payload), payload.errorType);
      continue;
    }
    await invoke(handler, requestId, event, context(headers));
  }
}

// An error nothing caught ends the environment, as on AWS: logged, then reported.
process.on("uncaughtException", (error) => {
  const payload = errorPayload(error);
  logError("Uncaught Exception", payload);
  endSegment();
  const route = currentRequestId ? `/invocation/${currentRequestId}/error` : "/init/error";
  post(route, JSON.stringify(payload), payload.errorType).finally(() => process.exit(129));
});
// AWS reports an unhandled rejection under its own type, the reason as the message.
process.on("unhandledRejection", (reason) => {
  const error = new Error(reason instanceof Error ? `${reason.name}: ${reason.message}`
                                                  : String(reason));
  error.name = "Runtime.UnhandledPromiseRejection";
  if (reason instanceof Error) error.stack = `${error.name}: ${error.message}\n${reason.stack}`;
  process.emit("uncaughtException", error);
});

main();
