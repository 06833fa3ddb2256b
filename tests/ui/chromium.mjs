// How the UI tests start Debian's Chromium: its path (CHROMIUM, default /usr/bin/chromium) and the flags
// a closed network and a root user need (no background connections, no sandbox, no GPU).
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];
