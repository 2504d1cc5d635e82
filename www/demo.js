// Demo page wiring (kept out of index.html so the page runs under a strict CSP).
const w = document.getElementById('w');
const loc = document.getElementById('loc');
const day = document.getElementById('day');
loc.addEventListener('change', () => {
  const [rules, unit, today] = loc.value.split('|');
  day.value = today;
  w.setAttribute('today', today);
  w.setAttribute('unit', unit);
  w.setAttribute('rules', rules);
});
day.addEventListener('change', () => { if (day.value) w.setAttribute('today', day.value); });
