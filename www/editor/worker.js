// The playground's mutation-test worker: runs mutationTest off the main thread
// (it loads the rules once per mutant and can take seconds).
import init, { mutationTest } from 'xianjiao-playground';

const ready = init({ module_or_path: new URL('xianjiao_playground_bg.wasm', import.meta.url) });
self.onmessage = async ({ data }) => {
  try {
    await ready;
    self.postMessage({ report: mutationTest(data.sources, data.files) });
  } catch (e) {
    self.postMessage({ error: String(e && e.message || e) });
  }
};
