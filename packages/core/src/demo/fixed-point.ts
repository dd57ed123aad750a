// Money and quantities are rounded to fixed decimals so emitted numbers look like an exchange's.

export const QUOTE_SCALE = 1e6; // notional, fee and pnl in quote currency, to 6 decimals
export const BALANCE_SCALE = 1e8;

export const round = (value: number, scale: number): number => Math.round(value * scale) / scale;
export const decimalsScale = (decimals: number): number => 10 ** Math.min(8, Math.max(0, decimals));
