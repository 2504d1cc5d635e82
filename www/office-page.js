// Office page wiring (kept out of office.html so the page runs under a strict CSP).
const office = document.getElementById('office');
document.getElementById('loc').addEventListener('change', (e) => office.setAttribute('rules', e.target.value));
