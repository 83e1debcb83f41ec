// React hooks of the terminal UI: follow the controller's store, the terminal's size, a clock, and the keys.
import { useStdin, useStdout } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { KeyDecoder, type KeyEvent } from './keys.js';
import type { Store } from './store.js';

export function useSnapshot<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

export interface TerminalSize { columns: number; rows: number }

/** Columns and rows, updated on resize. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => { stdout.off('resize', onResize); };
  }, [stdout]);
  return size;
}

/** The current time, refreshed every `intervalMs` while it is positive (spinners, elapsed times). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (intervalMs <= 0) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

/**
 * Every key, typed text and paste, decoded by our own KeyDecoder from the raw input ink reads (ink's own
 * parsing loses Alt+Enter, pastes and the kitty protocol). Turns on bracketed paste while mounted.
 */
export function useKeys(handler: (ev: KeyEvent) => void): void {
  const { setRawMode, internal_eventEmitter: emitter, isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (isRawModeSupported) setRawMode(true);
    const decoder = new KeyDecoder();
    const onInput = (chunk: string) => {
      for (const ev of decoder.feed(chunk)) latest.current(ev);
    };
    emitter.on('input', onInput);
    stdout.write(BRACKETED_PASTE_ON);
    return () => {
      emitter.off('input', onInput);
      stdout.write(BRACKETED_PASTE_OFF);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [emitter, setRawMode, isRawModeSupported, stdout]);
}
