package io.vrrpd.daemon.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * {@code tcp:ADDR:PORT}: healthy when a TCP connection to the address is accepted within the timeout (it is
 * closed at once; nothing is sent). The address is a literal: nothing is resolved.
 */
final class TcpChecker implements Checker {
    private final InetSocketAddress address;

    /** @param target {@code 192.0.2.1:80} or {@code [2001:db8::1]:80}, as {@code Dependency} checked it */
    TcpChecker(final String target) {
        final int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        this.address = new InetSocketAddress(InetAddress.ofLiteral(host), Integer.parseInt(target.substring(colon + 1)));
    }

    @Override
    public CheckResult check(final long timeoutMillis) throws InterruptedException {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) Math.clamp(timeoutMillis, 1, Integer.MAX_VALUE));
            return CheckResult.healthy("connected");
        } catch (SocketTimeoutException e) {
            return CheckResult.timedOut(timeoutMillis);
        } catch (ConnectException e) {
            interrupted();
            return CheckResult.failing(e.getMessage() != null && e.getMessage().contains("refused")
                    ? "connection refused" : CheckResult.reasonOf(e));
        } catch (IOException e) {
            interrupted();
            return CheckResult.failing(CheckResult.reasonOf(e));
        }
    }

    /** A connect on a virtual thread that is interrupted fails with an I/O error: report the interrupt. */
    private static void interrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("check abandoned");
        }
    }
}
