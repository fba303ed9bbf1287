/**
 * The names in scope for rpc, eval and remote: Application, Node, System, a `require` for Node's
 * built-in modules, and each application's module under its name (KV, KVServer).
 */
import { isBuiltin } from 'node:module';
import { Application } from '../application/application.js';
import type { ApplicationDescriptor } from '../application/define-application.js';
import { Node } from '../distribution/node.js';
import * as System from '../system.js';

function requireBuiltin(id: string): unknown {
  if (!isBuiltin(id)) throw new Error(`require(${JSON.stringify(id)}): only Node's built-in modules can be required here (e.g. "node:os")`);
  return process.getBuiltinModule(id);
}

export function buildEvalScope(applications: readonly ApplicationDescriptor[]): Record<string, unknown> {
  const scope: Record<string, unknown> = { Application, Node, System, require: requireBuiltin };
  for (const app of applications) if (app.moduleName && app.module) scope[app.moduleName] = app.module;
  return scope;
}
