// The benchmark's client side, compiled and run by run-benchmark.sh (java -cp <classes + kafka-clients + Jackson jars>
// Bench MODE key=value...). It talks only to 127.0.0.1: the Kafka broker, the simulator JVM's HTTP port and the worker
// JVM's HTTP port; it reads the worker's threads from /proc and its heap with jcmd. Each mode prints "RESULT key=value"
// lines that run-benchmark.sh collects into the scenario's results file; write-report.sh runs the report mode.
//
// Modes (one class each):
//   direct    DirectScenario: migrate_v2v envelopes straight to the simulator (async, bounded concurrency)
//   overhead  OverheadScenario: end-to-end migrations per second through the worker, zero-latency simulator
//   scale     ScaleScenario: 500 nodes x bound 4, 5 s migrations: in flight, completion rate, threads, heap, start-up
//   fairness  FairnessScenario: 10,000 requests for a slow node S (60 s) ahead of 100 for each of F1..F3 (0.3 s)
//   memory    MemoryScenario: the idle worker's live set with the nodes of its inventory (run for 10 and for N)
//   report    ReportWriter: RESULTS_DIR DOC, regenerates docs/benchmarks.md's figures block
//
// The simulated nodes' password comes from the environment (BENCH_PASSWORD), never from the command line.
//
// The sources are plain files in the default package: a tool of a dozen classes beside its script, imported by
// nothing, and kept out of the worker's src/ so the worker's jar does not carry it.

public class Bench {

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        switch (args[0]) {
            case "direct" -> DirectScenario.run(options);
            case "overhead" -> OverheadScenario.run(options);
            case "scale" -> ScaleScenario.run(options);
            case "fairness" -> FairnessScenario.run(options);
            case "memory" -> MemoryScenario.run(options);
            case "report" -> ReportWriter.write(args[1], args[2]);
            default -> throw new IllegalArgumentException("mode: direct|overhead|scale|fairness|memory|report");
        }
        // The Kafka clients' and the samplers' threads must not keep the JVM (and so the script) waiting.
        System.exit(0);
    }
}
