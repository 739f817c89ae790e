// The alga:extension/* modules your handler imports (context, storage, http, …): generated from the
// WIT world and shipped by the emulator package. A failing call throws `{ payload }` with the WIT
// error case. Add the capability of each interface you use to manifest.json.
import 'alga-extension-emulator/wit-types';
