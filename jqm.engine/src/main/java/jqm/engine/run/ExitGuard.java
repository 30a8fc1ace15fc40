package jqm.engine.run;

import java.util.List;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} in payload bundles (bundles
 * wired to {@code jqm.api.payload}) throw {@link jqm.api.payload.ExitRefused} instead of stopping the
 * node: a weaving hook rewrites those calls as the classes are loaded. Bundles already running
 * before this hook was registered are not rewritten; payloads are deployed after the engine starts.
 */
@Component(service = WeavingHook.class)
public class ExitGuard implements WeavingHook {
    private final long engine;

    @org.osgi.service.component.annotations.Activate
    public ExitGuard(org.osgi.framework.BundleContext context) {
        this.engine = context.getBundle().getBundleId();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ExitGuard.class);
    private static final String API = "jqm.api.payload";
    private static final String GUARD = "jqm/api/payload/ExitRefused";

    @Override
    public void weave(WovenClass wovenClass) {
        try {
            guard(wovenClass);
        } catch (RuntimeException | LinkageError e) {
            // a hook that throws is dropped by the framework for good: never let one escape
            LOG.error("Could not check payload class {} for exit calls: {}", wovenClass.getClassName(), e.toString());
        }
    }

    private void guard(WovenClass wovenClass) {
        // the engine imports the payload API too; its own classes (this hook's included) are not payloads
        if (wovenClass.getBundleWiring().getBundle().getBundleId() == engine || !isPayload(wovenClass.getBundleWiring())) {
            return;
        }
        byte[] original = wovenClass.getBytes();
        if (!mentionsExit(original)) {
            return;
        }
        ClassReader reader = new ClassReader(original);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = { false };
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (opcode == Opcodes.INVOKESTATIC && owner.equals("java/lang/System") && method.equals("exit")
                                && desc.equals("(I)V")) {
                            changed[0] = true;
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "systemExit", "(I)V", false);
                        } else if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals("java/lang/Runtime")
                                && (method.equals("exit") || method.equals("halt")) && desc.equals("(I)V")) {
                            changed[0] = true;
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, method.equals("exit") ? "runtimeExit" : "runtimeHalt",
                                    "(Ljava/lang/Runtime;I)V", false);
                        } else {
                            super.visitMethodInsn(opcode, owner, method, desc, itf);
                        }
                    }
                };
            }
        }, 0);
        if (changed[0]) {
            wovenClass.setBytes(writer.toByteArray());
            wovenClass.getDynamicImports().add(API);
            LOG.info("Payload class {} of bundle {} calls exit or halt: the call now ends its instance, not the node",
                    wovenClass.getClassName(), wovenClass.getBundleWiring().getBundle().getSymbolicName());
        }
    }

    /** @return whether the bundle imports the payload API (and is not the API's own bundle) */
    private static boolean isPayload(BundleWiring wiring) {
        if (wiring == null) {
            return false;
        }
        List<BundleWire> wires = wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE);
        return wires != null && wires.stream()
                .anyMatch(w -> API.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)));
    }

    /** A cheap look at the constant pool before parsing: does the class name an exit or halt at all? */
    private static boolean mentionsExit(byte[] bytes) {
        String s = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        return (s.contains("java/lang/System") || s.contains("java/lang/Runtime")) && (s.contains("exit") || s.contains("halt"));
    }
}
