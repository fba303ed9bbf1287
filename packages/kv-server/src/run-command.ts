/**
 * runCommand: Command → reply text through kv (the guide's KVServer.Command.run/1). A parsed command
 * is kv's own operation and goes to kv as it is. Every reply line ends with "\r\n". When kv answers
 * synchronously (this node owns the bucket) the reply is a string, not a promise; a forwarded
 * operation gives a promise that never rejects.
 */
import type { KvOperation, KvResult } from 'kv';
import type { Command } from './command.js';

/** Runs one kv operation; kv's `execute` in production, an in-process router in tests. */
export type Execute = (operation: KvOperation) => KvResult | Promise<KvResult>;

export const OK_REPLY = 'OK\r\n';
export const NOT_FOUND_REPLY = 'NOT FOUND\r\n';
export const UNKNOWN_COMMAND_REPLY = 'UNKNOWN COMMAND\r\n';
export const LINE_TOO_LONG_REPLY = 'ERROR line too long\r\n';

export function runCommand(command: Command, execute: Execute): string | Promise<string> {
  if (command.op === 'unknown') return UNKNOWN_COMMAND_REPLY;
  const operation: KvOperation = command;
  let result: KvResult | Promise<KvResult>;
  try {
    result = execute(operation);
  } catch (error) {
    return formatError(error);
  }
  if (typeof (result as Partial<Promise<KvResult>>).then === 'function') {
    const isGet = operation.op === 'get';
    return (result as Promise<KvResult>).then((settled) => formatReply(isGet, settled), formatError);
  }
  return formatReply(operation.op === 'get', result as KvResult);
}

/** The reply to one kv result: GET answers its value (an empty line when absent) then OK. */
export function formatReply(isGet: boolean, result: KvResult): string {
  switch (result.status) {
    case 'ok':
      return isGet ? `${result.value ?? ''}\r\nOK\r\n` : OK_REPLY;
    case 'not_found':
      return NOT_FOUND_REPLY;
    case 'error':
      return formatErrorReply(result.reason);
    default:
      return formatErrorReply(`unexpected result ${JSON.stringify(result)}`);
  }
}

/** `ERROR <reason>` on one line: line breaks in the reason become spaces, so the protocol stays framed. */
export function formatErrorReply(reason: string): string {
  return `ERROR ${reason.replace(/[\r\n]+/g, ' ')}\r\n`;
}

function formatError(error: unknown): string {
  return formatErrorReply(error instanceof Error ? error.message : String(error));
}
