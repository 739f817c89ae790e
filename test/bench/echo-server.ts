// The bench's floor: a bare Express JSON echo in its own process, like the Runner it is compared with.
import express from 'express';
import { listen } from '../../emulator/runner/http/router.ts';

const app = express();
app.use(express.json());
app.post('/echo', (req, res) => {
  res.json(req.body);
});
const { url } = await listen(app, 0);
console.log(JSON.stringify({ msg: 'echo listening', url }));
