// What the scenarios that compare relays (web, otp) measure on one logged-in
// client: a one-pixel update's round trip (median, after a warm-up), then a
// stream of full Raw updates: its throughput and, when a relaying process is
// named, that process's CPU per MB relayed.
import { summary } from './stats.mjs';
import { cpuMs } from './tools.mjs';

const MB = 2 ** 20;

/** Measures `client` on the path `key` and adds each number to its row: rows {rtt, cpu, rate}; resolves the round trip and a full update's size. */
export async function measureRelay(client, key, rows, { relayPid, streamMb, warmTrips, roundTrips }) {
  const frameBytes = client.width * client.height * 4 + 16;
  for (let t = 0; t < warmTrips; t++) await client.roundTrip();
  const trips = [];
  for (let t = 0; t < roundTrips; t++) trips.push(await client.roundTrip());
  const before = relayPid && cpuMs(relayPid);
  const streamed = await client.stream(Math.ceil((streamMb * MB) / frameBytes));
  const rttUs = summary(trips).median * 1000;
  rows.rtt[key].push(rttUs);
  if (relayPid) rows.cpu[key].push((cpuMs(relayPid) - before) / (streamed.bytes / MB));
  rows.rate[key].push(streamed.bytes / MB / (streamed.ms / 1000));
  return { frameBytes, rttUs };
}
