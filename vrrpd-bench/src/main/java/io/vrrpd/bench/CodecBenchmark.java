package io.vrrpd.bench;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.AdvertisementWriter;
import io.vrrpd.protocol.wire.ChecksumForm;
import io.vrrpd.protocol.wire.ReceiveValidator;
import io.vrrpd.protocol.wire.Verdict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cost per packet of the codec: encode, and the receive path (decode + both validation stages) that runs
 * for every advertisement heard. Run with {@code -prof gc}: the receive path must allocate 0 bytes/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    /** The address family (and so address size) of the packet. */
    @Param({"IPV4", "IPV6"})
    public String family;

    private RouterConfig router;
    private IpAddress source;
    private IpAddress group;
    private AddressFamily af;
    private List<IpAddress> addresses;
    private final byte[] out = new byte[1500];
    private byte[] packet;
    private final Advertisement view = new Advertisement();
    private final ReceiveValidator validator = new ReceiveValidator();

    @Setup
    public void setUp() {
        af = AddressFamily.valueOf(family);
        final boolean v4 = af == AddressFamily.IPV4;
        source = IpAddress.parse(v4 ? "192.0.2.1" : "fe80::1");
        group = af.vrrpGroup();
        router = RouterConfig.builder("bench", 51, af).primaryAddress(v4 ? "192.0.2.2" : "fe80::2")
                .virtualAddresses(v4 ? new String[] {"192.0.2.100/24", "192.0.2.101/24"}
                        : new String[] {"fe80::100/64", "2001:db8::100/64"})
                .build();
        addresses = router.addresses();
        packet = new byte[AdvertisementWriter.length(VrrpVersion.V3, af, addresses.size())];
        AdvertisementWriter.write(packet, 0, VrrpVersion.V3, af, 51, 200, 1_000_000_000L, addresses,
                ChecksumForm.PSEUDO_HEADER, source, group);
    }

    /** Encoding one advertisement with its checksum (the Master's send path). */
    @Benchmark
    public int encode() {
        return AdvertisementWriter.write(out, 0, VrrpVersion.V3, af, 51, 200, 1_000_000_000L, addresses,
                ChecksumForm.PSEUDO_HEADER, source, group);
    }

    /** The receive path: wrap, validate packet and router (§7.1), read the fields the state machine needs. */
    @Benchmark
    public long decodeAndValidate() {
        view.wrap(packet, 0, packet.length);
        Verdict verdict = validator.checkPacket(view, af, 255, source, group);
        if (verdict.accepted()) {
            verdict = ReceiveValidator.checkForRouter(view, source, router, 100);
        }
        return verdict.ordinal() + view.priority() + view.intervalNanos();
    }
}
