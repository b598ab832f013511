// The CLI's one idiom: a verb group is a module exporting `commands`; each command parses its own
// arguments, calls the gateway, prints progress as it likes, and returns its result, which main prints
// as the last line (so scripts can take `nnsuite … | tail -1`).
import type { DescService } from '@bufbuild/protobuf';
import type { Client } from '@connectrpc/connect';

export interface CliContext {
  /** A client for a service through the gateway (NNSUITE_GATEWAY, default http://127.0.0.1:8080). */
  client<S extends DescService>(service: S): Client<S>;
  /** Print an intermediate line (partials, progress) to stdout. */
  print(line: string): void;
}

export interface Command {
  /** One line: arguments and what it does. */
  usage: string;
  /** Returns the verb's result, printed as the last line. */
  run(args: string[], ctx: CliContext): Promise<string>;
}

/** Split `--flag value` / `--flag=value` / `--switch` from positionals. */
export function parseArgs(args: string[], switches: string[] = []): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (inline !== undefined) flags[key] = inline;
    else if (switches.includes(key)) flags[key] = 'true';
    else if (i + 1 < args.length) flags[key] = args[++i];
    else throw new Error(`--${key} needs a value`);
  }
  return { positional, flags };
}
