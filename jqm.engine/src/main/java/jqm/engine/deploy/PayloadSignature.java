package jqm.engine.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Checks the signature of a payload jar with the JDK's jar verification: every entry (but the
 * signature files themselves) must be signed, none may have changed since, and the signer must be
 * trusted: its certificate, or the one that issued it, is in the file of trusted payload signers
 * (PEM certificates).
 */
final class PayloadSignature {
    private PayloadSignature() {
    }

    /** @return the subject of the certificate that signed every entry of the jar, or empty when not signed by one signer */
    static Optional<X509Certificate> signer(Path jar) throws IOException {
        X509Certificate signer = null;
        try (JarFile f = new JarFile(jar.toFile(), true)) {
            Enumeration<JarEntry> entries = f.entries();
            byte[] buf = new byte[8192];
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                try (InputStream in = f.getInputStream(e)) {
                    while (in.read(buf) >= 0) {
                        // reading the whole entry is what checks its digest (a SecurityException when it changed)
                    }
                }
                if (e.isDirectory() || isSignatureFile(e.getName())) {
                    continue;
                }
                CodeSigner[] signers = e.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    return Optional.empty();
                }
                X509Certificate first = (X509Certificate) signers[0].getSignerCertPath().getCertificates().get(0);
                if (signer == null) {
                    signer = first;
                } else if (!signer.equals(first)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.ofNullable(signer);
    }

    private static boolean isSignatureFile(String name) {
        String n = name.toUpperCase();
        return n.startsWith("META-INF/") && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC")
                || n.equals("META-INF/MANIFEST.MF"));
    }

    /**
     * @throws SecurityException saying why when the jar is not signed, tampered with, or signed by no
     *         trusted signer
     */
    static X509Certificate verify(Path jar, Path trustStore) throws IOException {
        X509Certificate signer;
        try {
            signer = signer(jar).orElseThrow(() -> new SecurityException("it is not signed (every entry by one signer)"));
        } catch (SecurityException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("it is not signed") ? e
                    : new SecurityException("its content does not match its signature (tampered with): " + e.getMessage());
        }
        for (X509Certificate trusted : trusted(trustStore)) {
            if (trusted.equals(signer)) {
                return signer;
            }
            try {
                if (signer.getIssuerX500Principal().equals(trusted.getSubjectX500Principal())) {
                    signer.verify(trusted.getPublicKey());
                    signer.checkValidity();
                    return signer;
                }
            } catch (GeneralSecurityException e) {
                // not this one
            }
        }
        throw new SecurityException("its signer " + signer.getSubjectX500Principal() + " is not among the trusted signers of " + trustStore);
    }

    /** @return the certificates of a file of PEM (or DER) certificates */
    private static List<X509Certificate> trusted(Path signers) throws IOException {
        if (!Files.isRegularFile(signers)) {
            throw new SecurityException("the file of trusted payload signers " + signers + " does not exist");
        }
        try (InputStream in = Files.newInputStream(signers)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                if (c instanceof X509Certificate x) {
                    certs.add(x);
                }
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot read the trusted payload signers " + signers + ": " + e.getMessage(), e);
        }
    }
}
