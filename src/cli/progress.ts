/**
 * A progress bar on stderr for long runs. On a terminal it redraws one line in place
 * (`\r`); elsewhere (a pipe, a CI log, a test) it draws nothing at all, so redirected
 * output stays clean. Redraws are throttled to ~20 per second.
 */
import type { Output } from './io.ts';

export class Progress {
  private readonly tty: boolean;
  private last = 0;
  private shown = false;

  constructor(
    private readonly out: Output,
    private readonly label = '',
  ) {
    this.tty = out.isTTY === true;
  }

  /** Fraction done in [0, 1] and a short note (what is running). */
  update(fraction: number, note = ''): void {
    if (!this.tty) return;
    const now = performance.now();
    if (now - this.last < 50 && fraction < 1) return;
    this.last = now;
    const cols = Math.max(40, Math.min(this.out.columns ?? 80, 120));
    const f = Math.max(0, Math.min(1, fraction));
    const width = 24;
    const full = Math.round(f * width);
    const head = `${this.label}[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}% `;
    const line = (head + note).slice(0, cols - 1);
    this.out.write(`\r${line}\x1b[K`);
    this.shown = true;
  }

  /** Erase the bar (call before printing results). */
  done(): void {
    if (this.tty && this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }
}
