/**
 * Command-line options as a declared table: each command lists its options once, and the
 * parser and the help text are both derived from that table.
 *
 *   --name value, --name=value, -a value     string and number options
 *   --flag, --no-flag, -f                    booleans
 *   --                                       the end of options
 *
 * Numbers accept `1_000_000`, `1e6` and the suffixes k, M, G (`--tasks 2M`).
 */

export interface OptionSpec {
  /** Long name, without dashes. */
  name: string;
  /** One-letter alias, without the dash. */
  short?: string;
  type: 'boolean' | 'string' | 'number';
  /** Placeholder in the help text ('N', 'KIND'). */
  arg?: string;
  description: string;
  default?: boolean | string | number;
  /** Allowed values of a string option. */
  choices?: readonly string[];
  /** Help text of `--no-<name>`, for a boolean that defaults to true. */
  noDescription?: string;
}

export type OptionValues = Record<string, boolean | string | number | undefined>;

/** `-h, --help`, shared by every command. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

/** `--[no-]progress`, for the long-running commands. */
export const PROGRESS_OPTION: OptionSpec = {
  name: 'progress',
  type: 'boolean',
  description: 'progress bar on stderr (only on a terminal)',
  noDescription: 'no progress bar on stderr',
  default: true,
};

/** A bad command line: print the message and the usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parse '1M', '250k', '1_000_000', '1e6'. NaN when not a number. */
export function parseCount(text: string): number {
  const m = /^([0-9][0-9_]*(?:\.[0-9]+)?(?:e[0-9]+)?)([kKmMgG]?)$/.exec(text.trim());
  if (m === null) return NaN;
  const base = Number(m[1]!.replace(/_/g, ''));
  const mult = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1e9, G: 1e9 }[m[2]!] ?? 1;
  return base * mult;
}

/** Parse argv against the table: the values (defaults filled in) and the positional args. */
export function parseOptions(
  argv: readonly string[],
  specs: readonly OptionSpec[],
): { values: OptionValues; positionals: string[] } {
  const values: OptionValues = {};
  for (const s of specs) values[s.name] = s.default;
  const positionals: string[] = [];
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    let negated = false;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) inline = arg.slice(eq + 1);
      spec = byLong.get(name);
      if (spec === undefined && name.startsWith('no-')) {
        const base = byLong.get(name.slice(3));
        if (base?.type === 'boolean' && inline === undefined) {
          spec = base;
          negated = true;
        }
      }
      if (spec === undefined) throw new UsageError(`unknown option '${arg}'`);
    } else if (arg.length > 1 && arg.startsWith('-') && !/^-[0-9]/.test(arg)) {
      spec = byShort.get(arg.slice(1, 2));
      if (spec === undefined) throw new UsageError(`unknown option '${arg}'`);
      if (arg.length > 2) inline = arg.slice(2);
    } else {
      positionals.push(arg);
      continue;
    }
    const flag = arg.startsWith('--') ? `--${spec.name}` : `-${spec.short}`;
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option '${flag}' takes no value`);
      values[spec.name] = !negated;
      continue;
    }
    const text = inline ?? argv[++i];
    if (text === undefined) throw new UsageError(`option '${flag}' needs a value`);
    if (spec.type === 'number') {
      const n = parseCount(text);
      if (!Number.isFinite(n)) throw new UsageError(`option '${flag}' needs a number, not '${text}'`);
      values[spec.name] = n;
    } else {
      if (spec.choices !== undefined && !spec.choices.includes(text)) {
        throw new UsageError(`option '${flag}' must be one of ${spec.choices.join(', ')}, not '${text}'`);
      }
      values[spec.name] = text;
    }
  }
  return { values, positionals };
}

/** A default as it is typed: 1000000 → '1M'. */
function showDefault(v: boolean | string | number): string {
  if (typeof v !== 'number' || v < 1000) return String(v);
  for (const [div, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const)
    if (v % div === 0) return `${v / div}${suffix}`;
  return String(v);
}

/**
 * The options part of a help text, one aligned line per option. A boolean that defaults to
 * true is shown as its negation (`--no-progress`), with `noDescription`.
 */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const negated = (s: OptionSpec): boolean => s.type === 'boolean' && s.default === true;
  const heads = specs.map((s) => {
    const short = s.short !== undefined && !negated(s) ? `-${s.short}, ` : '    ';
    const arg = s.type === 'boolean' ? '' : ` ${s.arg ?? (s.type === 'number' ? 'N' : 'VALUE')}`;
    return `  ${short}--${negated(s) ? 'no-' : ''}${s.name}${arg}`;
  });
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return specs
    .map((s, i) => {
      if (negated(s)) return `${heads[i]!.padEnd(width)}${s.noDescription ?? `no ${s.description}`}`;
      const dflt = s.default !== undefined && s.default !== false ? ` (default: ${showDefault(s.default)})` : '';
      return `${heads[i]!.padEnd(width)}${s.description}${dflt}`;
    })
    .join('\n');
}
