// The one runner behind every command (SPEC §8 conventions): `node:util` parseArgs over the shared
// options plus the command's own table, `-h`/`--help` (exit 0), `-o` for `--format`, unknown
// options refused (exit 2), `--output-file`, `--quiet`, and the settings (config file, then flags).
// A command declares its options in a table and gets parsed values back; adding a flag to a
// command is one row in its table.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { type CliIO, flagValue, type OptionValues, type RunSettings, settingsFromValues, stringValue, UsageError } from './options';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Repeatable: every value is kept, in order. */
  multiple?: boolean;
  /** How the value is written in the help (`NS`, `ingress|egress`). */
  value?: string;
  help: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** What a command gets: its paths, its format, the settings in force and every parsed value. */
export interface CommandArgs extends RunSettings {
  paths: string[];
  format: string;
  values: OptionValues;
}

/** A command's output channels: results (to stdout or `--output-file`), notes (silenced by `--quiet`). */
export interface CommandIO extends CliIO {
  /** A note on standard error, left out with `--quiet`. */
  note(s: string): void;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** The operands, as the help writes them. */
  operands: string;
  /** `--format` values; the first is the default. */
  formats: readonly string[];
  /** Fewest operands (default 1; a command with other ways to name its input checks them itself). */
  minPaths?: number;
  /** The command's own options (shared ones come from COMMON_OPTIONS). */
  options: OptionTable;
  /** Lines after the options in `--help` (exit codes, examples). */
  notes?: string;
  run(args: CommandArgs, io: CommandIO): Promise<number>;
}

/** Options every command takes. */
const COMMON_OPTIONS: OptionTable = {
  help: { type: 'boolean', short: 'h', help: 'show this help and exit' },
  format: { type: 'string', short: 'o', value: 'FORMAT', help: 'output format' },
  'output-file': { type: 'string', value: 'FILE', help: 'write the results to FILE instead of standard output' },
  quiet: { type: 'boolean', short: 'q', help: 'no notes on standard error (skipped files, warnings); errors still shown' },
  config: { type: 'string', value: 'FILE', help: 'settings file (default: k8s-netmap.yaml or .k8s-netmap.yaml in the working folder)' },
  'default-namespace': { type: 'string', value: 'NS', help: 'namespace of objects that name none (default: default)' },
  rule: { type: 'string', multiple: true, value: 'CODE=SEVERITY', help: 'error|warning|info|hint|off; repeatable' },
  'ingress-controller': { type: 'string', value: 'JSON', help: '{"namespace":"…","namespaceLabels":{…},"podLabels":{…}}' },
};

function optionLines(table: OptionTable, formats?: readonly string[]): string[] {
  return Object.entries(table).map(([name, o]) => {
    const value = name === 'format' && formats ? formats.join('|') : o.value;
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${value ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(40)} ${o.help}${name === 'format' && formats ? ` (default: ${formats[0]})` : ''}`;
  });
}

function commandHelp(spec: CommandSpec): string {
  return [
    `usage: k8s-netmap ${spec.name} ${spec.operands} [options]`,
    '',
    spec.summary,
    '',
    'options:',
    ...optionLines({ ...COMMON_OPTIONS, ...spec.options }, spec.formats),
    '',
    ...(spec.notes ? [spec.notes, ''] : []),
  ].join('\n');
}

/** Node's parseArgs errors (unknown option, missing value) are usage errors. */
function parse(spec: CommandSpec, argv: string[]): { values: OptionValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...spec.options }, allowPositionals: true, strict: true });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((error as Error).message);
    throw error;
  }
}

/**
 * Runs one command: parses, prints help or a usage error (exit 2; a command may throw UsageError
 * too), loads the settings, and sends results to `--output-file` when given. Internal errors
 * propagate (main turns them into exit 3).
 */
export async function runCommand(spec: CommandSpec, argv: string[], io: CliIO): Promise<number> {
  try {
    const { values, positionals } = parse(spec, argv);
    if (flagValue(values, 'help')) {
      io.stdout(commandHelp(spec));
      return 0;
    }
    const format = stringValue(values, 'format') ?? spec.formats[0] ?? 'text';
    if (!spec.formats.includes(format)) throw new UsageError(`--format must be one of ${spec.formats.join(', ')}, got '${format}'`);
    if (positionals.length < (spec.minPaths ?? 1)) throw new UsageError(`${spec.name} needs at least one path (or - for standard input)`);
    const outputFile = stringValue(values, 'output-file');
    const results: string[] = [];
    const commandIO: CommandIO = {
      ...io,
      stdout: outputFile === undefined ? io.stdout : (s) => void results.push(s),
      stdoutBytes: outputFile === undefined ? io.stdoutBytes : undefined,
      note: flagValue(values, 'quiet') ? () => undefined : io.stderr,
    };
    const settings = settingsFromValues(values, io.cwd, commandIO);
    const code = await spec.run({ paths: positionals, format, values, ...settings }, commandIO);
    if (outputFile !== undefined) fs.writeFileSync(path.resolve(io.cwd, outputFile), results.join(''));
    return code;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`k8s-netmap ${spec.name}: ${error.message}\n${error.withHelp ? `\n${commandHelp(spec)}` : ''}`);
      return 2;
    }
    throw error;
  }
}
