/**
 * The grammar of `cgsim sh`: a small, faithful subset of the POSIX shell.
 *
 *   list      command ((';' | '&&' | '||' | newline) command)*
 *   command   word* with redirections '>' '>>' '2>' '2>>' anywhere among the words
 *   word      unquoted text, '...' (literal), "..." (with $ expansion and \ escapes),
 *             \x escapes, $NAME ${NAME} $? $$ $! (expanded when the command runs)
 *   comment   '#' at the start of a word, to the end of the line
 *
 * No pipes, globs, subshells or control flow: a `|`, `&`, `<`, `(`, `)` outside quotes is a
 * syntax error, reported like bash (`syntax error near unexpected token `|'`).
 *
 * The parser works one logical line at a time (a line, plus following lines while a quote
 * is open or a line ends in `\`, `&&` or `||`), so a script runs up to its first syntax
 * error as bash does.
 */

/** A piece of a word: literal text, or a variable expanded when the command runs. */
export type Part = { lit: string } | { var: string };

export interface Word {
  parts: Part[];
}

export interface Redirect {
  fd: 1 | 2;
  append: boolean;
  target: Word;
}

export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
  /** Script line the command starts on (1-based). */
  line: number;
}

/** A command and how it connects to the next one. */
export interface ListItem {
  command: SimpleCommand;
  next: ';' | '&&' | '||';
}

/** More input is needed (an open quote, or a line ending in `\`, `&&` or `||`). */
export class IncompleteInput extends Error {
  override name = 'IncompleteInput';
}

/** A syntax error, with bash's wording. */
export class ShellSyntaxError extends Error {
  override name = 'ShellSyntaxError';
  /** The lines bash prints, each after its `FILE: line N: ` prefix. */
  readonly lines: string[];
  constructor(
    readonly token: string,
    readonly line: number,
    openQuote?: string,
  ) {
    const main =
      token === '' ? 'syntax error: unexpected end of file' : `syntax error near unexpected token \`${token}'`;
    super(main);
    this.lines = openQuote === undefined ? [main] : [`unexpected EOF while looking for matching \`${openQuote}'`, main];
  }
}

const isNameStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isNameChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

/** Parses a source text one logical line at a time. */
export class Parser {
  private pos = 0;
  private line = 1;

  constructor(
    private readonly src: string,
    private readonly eofComplete = true,
  ) {}

  /** The commands of the next logical line; [] for a blank line; null at the end. */
  nextLine(): ListItem[] | null {
    if (this.pos >= this.src.length) return null;
    const items: ListItem[] = [];
    let words: Word[] = [];
    let redirects: Redirect[] = [];
    let startLine = this.line;
    let word: Part[] | null = null; // the word being built
    let pendingRedirect: { fd: 1 | 2; append: boolean; token: string } | null = null;
    let wantMore = false; // after && or ||: the list continues on the next line

    const lit = (s: string): void => {
      word ??= [];
      const last = word[word.length - 1];
      if (last !== undefined && 'lit' in last) last.lit += s;
      else word.push({ lit: s });
    };
    const endWord = (): void => {
      if (word === null) return;
      const w = { parts: word };
      word = null;
      if (pendingRedirect !== null) {
        redirects.push({ fd: pendingRedirect.fd, append: pendingRedirect.append, target: w });
        pendingRedirect = null;
      } else {
        words.push(w);
      }
    };
    const endCommand = (next: ListItem['next'], token: string): void => {
      endWord();
      if (pendingRedirect !== null) throw new ShellSyntaxError(token === '\n' ? 'newline' : token, this.line);
      if (words.length === 0 && redirects.length === 0) {
        if (next === ';' && token !== ';') return; // an empty line
        throw new ShellSyntaxError(token, this.line);
      }
      items.push({ command: { words, redirects, line: startLine }, next });
      words = [];
      redirects = [];
      startLine = this.line;
    };
    const variable = (): void => {
      const c = this.src[this.pos + 1] ?? '';
      if (c === '?' || c === '$' || c === '!' || c === '#' || /[0-9]/.test(c)) {
        word ??= [];
        word.push({ var: c });
        this.pos += 2;
      } else if (c === '{') {
        const end = this.src.indexOf('}', this.pos + 2);
        if (end < 0) throw this.incomplete();
        const name = this.src.slice(this.pos + 2, end);
        if (!/^([A-Za-z_][A-Za-z0-9_]*|[?$!#0-9])$/.test(name)) throw new Error(`\${${name}}: bad substitution`);
        word ??= [];
        word.push({ var: name });
        this.pos = end + 1;
      } else if (isNameStart(c)) {
        let end = this.pos + 1;
        while (end < this.src.length && isNameChar(this.src[end]!)) end++;
        word ??= [];
        word.push({ var: this.src.slice(this.pos + 1, end) });
        this.pos = end;
      } else {
        lit('$');
        this.pos++;
      }
    };

    for (;;) {
      if (this.pos >= this.src.length) {
        if (wantMore && word === null && words.length === 0) throw this.incomplete();
        endCommand(';', '');
        return items;
      }
      const c = this.src[this.pos]!;
      if (c === '\n') {
        this.pos++;
        if (wantMore && word === null && words.length === 0 && redirects.length === 0) {
          this.line++;
          continue;
        }
        endCommand(';', '\n');
        this.line++;
        return items;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        endWord();
        this.pos++;
        continue;
      }
      wantMore = false;
      if (c === '#' && word === null) {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === ';') {
        endCommand(';', ';');
        this.pos++;
        continue;
      }
      if (c === '&' || c === '|') {
        if (this.src[this.pos + 1] === c) {
          endCommand(c === '&' ? '&&' : '||', c + c);
          this.pos += 2;
          wantMore = true;
          continue;
        }
        throw new ShellSyntaxError(c, this.line);
      }
      if (c === '<' || c === '(' || c === ')' || c === '`') throw new ShellSyntaxError(c, this.line);
      if (c === '>') {
        const w = word as Part[] | null;
        let fd: 1 | 2 = 1;
        if (w !== null && w.length === 1 && 'lit' in w[0]! && (w[0].lit === '2' || w[0].lit === '1')) {
          fd = w[0].lit === '2' ? 2 : 1;
          word = null;
        } else {
          endWord();
        }
        if (pendingRedirect !== null) throw new ShellSyntaxError('>', this.line);
        const append = this.src[this.pos + 1] === '>';
        pendingRedirect = { fd, append, token: append ? '>>' : '>' };
        this.pos += append ? 2 : 1;
        continue;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === undefined) {
          if (!this.eofComplete) throw this.incomplete();
          this.pos++;
          continue;
        }
        if (n === '\n') {
          this.pos += 2;
          this.line++;
          continue;
        }
        lit(n);
        this.pos += 2;
        continue;
      }
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw this.incomplete("'");
        const text = this.src.slice(this.pos + 1, end);
        this.line += text.split('\n').length - 1;
        lit(text);
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        lit('');
        this.pos++;
        for (;;) {
          const d = this.src[this.pos];
          if (d === undefined) throw this.incomplete('"');
          if (d === '"') {
            this.pos++;
            break;
          }
          if (d === '\\') {
            const n = this.src[this.pos + 1];
            if (n === undefined) throw this.incomplete('"');
            if (n === '\n') this.line++;
            else if ('$`"\\'.includes(n)) lit(n);
            else lit('\\' + n);
            this.pos += 2;
            continue;
          }
          if (d === '$') {
            variable();
            continue;
          }
          if (d === '\n') this.line++;
          lit(d);
          this.pos++;
        }
        continue;
      }
      if (c === '$') {
        variable();
        continue;
      }
      lit(c);
      this.pos++;
    }
  }

  private incomplete(openQuote?: string): Error {
    return this.eofComplete ? new ShellSyntaxError('', this.line, openQuote) : new IncompleteInput();
  }
}
