// A module resolve hook: a bare specifier that the function's own code cannot resolve (from its
// node_modules) is looked up in the runtime's SDK directory, as `import` finds AWS's
// /var/runtime/node_modules in Lambda's Node.js runtimes. `require` uses NODE_PATH instead.
import { pathToFileURL } from "node:url";

let parent;

export function initialize(data) {
  parent = pathToFileURL(`${data.sdk}/__headwater_sdk__.mjs`).href;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const bare = !specifier.startsWith(".") && !specifier.startsWith("/")
      && !specifier.includes(":");
    if (!bare || !parent || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    try {
      return await nextResolve(specifier, { ...context, parentURL: parent });
    } catch {
      throw error;
    }
  }
}
