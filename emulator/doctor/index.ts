// Public surface of the doctor: an offline check of an extension folder or bundle, as CI would
// run it before publish. Everything else in this folder is internal.
export { runDoctor } from './doctor.ts';
export { formatDoctorReport } from './format.ts';
export { DOCTOR_FIXES, type DoctorCode, type DoctorOptions, type DoctorProblem, type DoctorReport } from './problems.ts';
export { UI_EXTENSIONS } from './file-checks.ts';
