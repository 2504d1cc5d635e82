// The engine (npm main entry). See xianjiao.d.ts for the Engine class and result types.
export * from './xianjiao.js';
export { default } from './xianjiao.js';
