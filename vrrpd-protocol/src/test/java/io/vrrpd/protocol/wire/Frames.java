package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Wraps VRRP messages in Ethernet + IP headers and writes them as a pcap file, for tshark to decode. */
final class Frames {
    private Frames() {
    }

    /** One Ethernet frame: multicast destination MAC, the virtual MAC as source, IP header, VRRP message. */
    static byte[] ethernet(final AddressFamily family, final int vrid, final IpAddress source,
                           final IpAddress destination, final int ttl, final byte[] vrrp) {
        final ByteBuffer frame = ByteBuffer.allocate(14 + (family == AddressFamily.IPV4 ? 20 : 40) + vrrp.length);
        frame.put(family == AddressFamily.IPV4
                ? new byte[] {0x01, 0x00, 0x5e, 0x00, 0x00, 0x12}
                : new byte[] {0x33, 0x33, 0x00, 0x00, 0x00, 0x12});
        frame.put(family.virtualMac(vrid));
        if (family == AddressFamily.IPV4) {
            frame.putShort((short) 0x0800);
            final int start = frame.position();
            frame.put((byte) 0x45).put((byte) 0xc0).putShort((short) (20 + vrrp.length)).putInt(0)
                    .put((byte) ttl).put((byte) Checksum.IPPROTO_VRRP).putShort((short) 0)
                    .put(source.toBytes()).put(destination.toBytes());
            final int sum = Checksum.finish(Checksum.sum(frame.array(), start, 20));
            frame.putShort(start + 10, (short) sum);
        } else {
            frame.putShort((short) 0x86dd);
            frame.putInt(0x6000_0000).putShort((short) vrrp.length).put((byte) Checksum.IPPROTO_VRRP)
                    .put((byte) ttl).put(source.toBytes()).put(destination.toBytes());
        }
        frame.put(vrrp);
        return frame.array();
    }

    /** A libpcap file (LINKTYPE_ETHERNET) holding {@code frames}. */
    static Path pcap(final Path file, final List<byte[]> frames) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        out.write(header.array());
        int second = 1;
        for (final byte[] frame : frames) {
            final ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            record.putInt(second++).putInt(0).putInt(frame.length).putInt(frame.length);
            out.write(record.array());
            out.write(frame);
        }
        Files.write(file, out.toByteArray());
        return file;
    }
}
