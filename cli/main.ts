// `nnsuite <verb> …`: calls the suite through the gateway and prints each verb's result as its last line.
//   NNSUITE_GATEWAY  gateway URL (default http://127.0.0.1:8080); NNSUITE_TOKEN  bearer token, if the gateway wants one.
import type { DescService } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { Http2SessionManager, createGrpcTransport } from '@connectrpc/connect-node';
import type { CliContext, Command } from './command.js';

// Verb groups, each a module exporting `commands` (cli/command.ts).
const GROUPS = ['./health.js', './retrieval.js', './speech.js', './parrotron.js', './jobs.js', './ntk.js', './morphnet.js'];

async function loadCommands(): Promise<Map<string, Command>> {
  const all = new Map<string, Command>();
  for (const group of GROUPS) {
    const module = (await import(group).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(group.slice(2, -3))) return {};
      throw error;
    })) as { commands?: Record<string, Command> };
    for (const [name, command] of Object.entries(module.commands ?? {})) all.set(name, command);
  }
  return all;
}

function usage(commands: Map<string, Command>): string {
  return ['usage: nnsuite <verb> [args]', '', ...[...commands.values()].map((c) => `  nnsuite ${c.usage}`)].join('\n');
}

const argv = process.argv.slice(2);
const commands = await loadCommands();
const twoWords = commands.get(argv.slice(0, 2).join(' '));
const command = twoWords ?? commands.get(argv[0] ?? '');
if (!command || argv[0] === '--help' || argv[0] === 'help') {
  console.log(usage(commands));
  process.exit(command || argv[0] === '--help' || argv[0] === 'help' ? 0 : 2);
}

const gateway = process.env.NNSUITE_GATEWAY ?? 'http://127.0.0.1:8080';
const sessionManager = new Http2SessionManager(gateway);
const token = process.env.NNSUITE_TOKEN;
const transport = createGrpcTransport({
  baseUrl: gateway,
  sessionManager,
  readMaxBytes: 256 * 1024 * 1024,
  writeMaxBytes: 256 * 1024 * 1024,
  interceptors: token ? [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))] : [],
});
const ctx: CliContext = {
  client: <S extends DescService>(service: S) => createClient(service, transport),
  print: (line) => console.log(line),
};
try {
  console.log(await command.run(argv.slice(twoWords ? 2 : 1), ctx));
  process.exitCode = 0;
} catch (error) {
  console.error(`nnsuite: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  sessionManager.abort();
}
