// The alga:extension/* modules this handler imports: generated from the WIT and shipped by the emulator package.
import 'alga-extension-emulator/wit-types';
