package io.relocator.worker.agent;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.apache.cxf.helpers.CastUtils;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Caps the size of one Agent answer ({@code relocator.agent.max-answer-size}): an answer whose declared length is past
 * the cap is refused before it is read, and any other stops being read at the cap, so a hostile or broken Agent
 * cannot fill the worker's memory. Added by {@link AgentClientBuilder} to every client's in and in-fault chains;
 * runs on the thread CXF reads the answer on. The failure is an {@link AnswerTooLarge} that
 * {@link OutcomeClassifier} finds: the request was sent, so a migration is IN_DOUBT.
 */
final class AnswerSizeLimit extends AbstractPhaseInterceptor<Message> {

    private final long maxBytes;

    AnswerSizeLimit(long maxBytes) {
        super(Phase.RECEIVE);
        this.maxBytes = maxBytes;
    }

    @Override
    public void handleMessage(Message message) {
        Long declared = declaredLength(message);
        if (declared != null && declared > maxBytes) {
            throw new Fault(new AnswerTooLarge(maxBytes));
        }
        InputStream in = message.getContent(InputStream.class);
        if (in != null) {
            message.setContent(InputStream.class, new Capped(in, maxBytes));
        }
    }

    private static Long declaredLength(Message message) {
        Map<String, List<String>> headers = CastUtils.cast((Map<?, ?>) message.get(Message.PROTOCOL_HEADERS));
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if ("Content-Length".equalsIgnoreCase(header.getKey()) && header.getValue() != null
                    && !header.getValue().isEmpty()) {
                try {
                    return Long.parseLong(header.getValue().get(0).trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** An Agent answer past the cap; an IOException, so CXF reports it as a transport failure, not a SOAP fault. */
    static final class AnswerTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        AnswerTooLarge(long maxBytes) {
            super("answer larger than " + maxBytes + " bytes (relocator.agent.max-answer-size), dropped");
        }
    }

    /** Counts what is read and fails once past the cap. */
    private static final class Capped extends FilterInputStream {
        private final long maxBytes;
        private long read;

        Capped(InputStream in, long maxBytes) {
            super(in);
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) throws IOException {
            read += n;
            if (read > maxBytes) {
                throw new AnswerTooLarge(maxBytes);
            }
        }
    }
}
