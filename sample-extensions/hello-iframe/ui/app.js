// A hand-written extension UI: the postMessage envelope of the Alga host bridge, without the SDK.
// Envelope: { alga: true, version: "1", type, request_id?, payload }.
(function () {
  const params = new URLSearchParams(window.location.search);
  // The host appends ?parentOrigin=; post only there, and accept messages only from there.
  const parentOrigin = params.get('parentOrigin') || window.location.origin;
  const send = (type, payload) => window.parent.postMessage({ alga: true, version: '1', type, payload }, parentOrigin);
  const list = document.getElementById('messages');

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (event.origin !== parentOrigin || !msg || msg.alga !== true || msg.version !== '1') return;
    const item = document.createElement('li');
    item.textContent = msg.type;
    list.appendChild(item);
    if (msg.type === 'theme' && msg.payload) {
      for (const [name, value] of Object.entries(msg.payload)) document.documentElement.style.setProperty(name, String(value));
      document.getElementById('theme-count').textContent = String(Object.keys(msg.payload).length);
    }
  });

  let extra = 0;
  const reportHeight = () => send('resize', { height: document.documentElement.scrollHeight + extra });
  document.getElementById('grow').addEventListener('click', () => {
    extra += 200;
    reportHeight();
  });

  send('ready', {});
  reportHeight();
})();
