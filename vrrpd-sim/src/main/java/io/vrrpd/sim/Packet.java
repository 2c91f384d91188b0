package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

/**
 * One advertisement as it leaves a router: the VRRP message encoded by the real codec, and the IP facts a
 * receiving socket would see. The message array is never written after encoding, so every receiver's copy
 * shares it.
 *
 * @param sender  the sending host (it does not hear its own multicast)
 * @param family  the address family, which selects the receiving socket
 * @param source  the IP source address: the sender's primary address
 * @param message the VRRP message, the IP payload
 */
record Packet(Host sender, AddressFamily family, IpAddress source, byte[] message) {
}
