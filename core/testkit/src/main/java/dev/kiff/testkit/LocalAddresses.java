package dev.kiff.testkit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

/** This machine's own addresses that are not loopback: a server bound to loopback must not answer on them. */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /** The IPv4 addresses of this host's interfaces that are up, loopback left out (may be none). */
    public static List<InetAddress> nonLoopback() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(LocalAddresses::up)
                .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .toList();
    }

    private static boolean up(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
