// Public surface of the replay module: the cassette format, recording (from a Runner or by hand)
// and `replay` with its report. Everything else in this folder is internal.
export {
  CASSETTE_FORMAT,
  CASSETTE_VERSION,
  newCassette,
  parseCassette,
  readCassette,
  recordedRequest,
  writeCassette,
  type Cassette,
  type CassetteCall,
  type CassetteHostCall,
  type RecordedRequest,
} from './cassette.ts';
export { decodeValue, encodeValue, sameValue, type CassetteValue } from './cassette-values.ts';
export { cassetteHostCall, redactEnvelope, InvocationRecordings, type OpenRecording, type RecordFilter, type RecordListener } from './invocation-recordings.ts';
export { CassetteRecorder, recordRunner, type RunnerRecording } from './recorder.ts';
export { formatReplayReport, replay, type ReplayOptions, type ReplayReport, type ReplaySource, type ReplayedCall } from './replayer.ts';
export { callLabel, formatDifference, type CallIdentity, type HostCallDifference, type ReplayDifference } from './differences.ts';
