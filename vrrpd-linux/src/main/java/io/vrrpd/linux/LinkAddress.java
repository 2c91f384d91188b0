package io.vrrpd.linux;

import io.vrrpd.protocol.IpPrefix;

/**
 * An address configured on a link, as rtnetlink reports it (RTM_NEWADDR).
 *
 * @param index  the link's index
 * @param prefix address and prefix length
 * @param flags  linux/if_addr.h IFA_F_* (the 32-bit IFA_FLAGS attribute when present)
 * @param scope  rtnetlink.h RT_SCOPE_* (0 universe, 253 link, 254 host)
 * @param label  IPv4 label (IFA_LABEL), "" for IPv6
 * @param proto  who added it (IFA_PROTO, Linux 6.1+; 0 when unspecified or not reported): vrrpd marks the
 *               addresses it adds to a parent link, so it removes only those and never the host's own
 */
public record LinkAddress(int index, IpPrefix prefix, int flags, int scope, String label, int proto) {
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_DADFAILED = 0x08;
    public static final int IFA_F_TENTATIVE = 0x40;
    public static final int IFA_F_PERMANENT = 0x80;
    public static final int RT_SCOPE_LINK = 253;

    /** An address without an IFA_PROTO mark. */
    public LinkAddress(final int index, final IpPrefix prefix, final int flags, final int scope, final String label) {
        this(index, prefix, flags, scope, label, 0);
    }

    /** Still in duplicate address detection: not usable as a source or bind address yet. */
    public boolean isTentative() {
        return (flags & IFA_F_TENTATIVE) != 0;
    }
}
