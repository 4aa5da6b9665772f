package io.relocator.worker.agent;

import java.util.Map;

import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.ClientImpl;
import org.apache.cxf.endpoint.Endpoint;
import org.apache.cxf.transport.Conduit;

/**
 * A node's CXF client over the shared endpoint that keeps no response context per thread. {@link ClientImpl} stores
 * the properties of the last answer each thread processed, for {@code getResponseContext()}, which only synchronous
 * callers read; the worker's calls are all asynchronous and their callbacks get the context with the answer. Stored,
 * it stays for as long as the thread lives: some 30 map entries per node and thread, all answers old.
 *
 * <p>Thread-safe as {@link ClientImpl} is: one per node, called from any thread.
 */
final class NodeCxfClient extends ClientImpl {

    NodeCxfClient(Bus bus, Endpoint endpoint, Conduit conduit) {
        super(bus, endpoint, conduit);
    }

    /** Runs on the thread that processes an answer: hands the context on without keeping it. */
    @Override
    protected Map<String, Object> setResponseContext(Map<String, Object> context) {
        return context;
    }
}
