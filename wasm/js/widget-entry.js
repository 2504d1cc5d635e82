// The one-file widget a portal copies (www/pkg/xianjiao.js, made by `x` bundle_js with
// esbuild): the script-free engine's wasm-bindgen glue ('xianjiao-glue', an --alias for
// dist/glue/xianjiao.js) with all its exports and its init as the default export, the
// message helpers and <xianjiao-widget> (which registers itself on import).
export * from 'xianjiao-glue';
export { default } from 'xianjiao-glue';
export * from './messages.js';
export { XianjiaoWidget, fetchRules } from './widget.js';
