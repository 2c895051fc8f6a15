import { cpus } from 'node:os';
import { probeMachine } from '../src/bench/machine-probe';

test('the machine reading names the processor with a clock and times the calibration workload', () => {
  const reading = probeMachine();
  expect(reading.cores).toBe(cpus().length);
  // A virtual machine's os.cpus() often says 0 MHz; the probe then reads the kernel's clock
  // ('?' only where the kernel names none, as on some ARM machines).
  expect(reading.cpu).toMatch(/ at ([1-9]\d*|\?) MHz$/);
  expect(reading.calibrationMs).toBeGreaterThan(0);
  expect(reading.loadAverageAtStart).toHaveLength(3);
});
