// Which file the editor holds (entry name and its read-only parents), kept in
// the editor state so that undo after "编辑此文件" brings back the old text
// *and* the old file name and parents in one step.
import { StateField, StateEffect } from '@codemirror/state';
import { invertedEffects } from '@codemirror/commands';

export const setFile = StateEffect.define();

export const fileField = StateField.define({
  create: () => ({ entry: 'guanba.rhai', parents: {}, base: '' }),
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setFile)) value = e.value;
    return value;
  },
});

/** Undoing a transaction that changed the file restores the previous file. */
export const fileHistory = invertedEffects.of((tr) => {
  const out = [];
  for (const e of tr.effects) if (e.is(setFile)) out.push(setFile.of(tr.startState.field(fileField)));
  return out;
});
