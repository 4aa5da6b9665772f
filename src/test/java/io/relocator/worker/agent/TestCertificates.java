package io.relocator.worker.agent;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made at test time by the JDK's own {@code keytool} (no key material is committed), and
 * trust stores holding some of them. Every store of one instance shares a password made up for the run.
 */
final class TestCertificates {

    final String password = "ks-" + UUID.randomUUID();
    private final Path dir;

    TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * A PKCS12 key store with one EC key pair and its self-signed certificate for {@code subjectAltNames}, in keytool's
     * {@code -ext SAN=} form ({@code ip:127.0.0.1,dns:localhost}).
     */
    Path keyStore(String name, String subjectAltNames) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=" + subjectAltNames, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return store;
    }

    /** A PKCS12 trust store holding the certificates (not the keys) of these key stores. */
    Path trustStore(String name, Path... keyStores) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<Certificate> certificates = new ArrayList<>();
        for (Path keyStore : keyStores) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                keys.load(in, password.toCharArray());
            }
            certificates.add(keys.getCertificate(keys.aliases().nextElement()));
        }
        for (int i = 0; i < certificates.size(); i++) {
            trust.setCertificateEntry("trusted-" + i, certificates.get(i));
        }
        Path store = dir.resolve(name + ".p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            trust.store(out, password.toCharArray());
        }
        return store;
    }
}
