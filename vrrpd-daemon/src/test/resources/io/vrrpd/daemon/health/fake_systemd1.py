# A stand-in for systemd's D-Bus API on a test bus, written with dbus-python (libdbus), not with vrrpd's codec:
# it owns org.freedesktop.systemd1 and answers org.freedesktop.systemd1.Manager.GetUnit(s) -> o and, on a
# unit's object, org.freedesktop.DBus.Properties.Get("org.freedesktop.systemd1.Unit", "ActiveState") -> v.
# A unit exists when STATES/UNIT exists; its ActiveState is that file's content, read at each call. Prints
# "ready" once it owns the name, and each GetUnit argument as "GetUnit UNIT". A unit whose file says "hang"
# makes GetUnit sleep 5 s before answering (a manager that does not answer in time).
# Usage: python3 fake_systemd1.py BUS_ADDRESS STATES
import os
import sys
import time

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

address, states = sys.argv[1], sys.argv[2]
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(address)
units = {}


def object_path(unit):
    # systemd's bus_label_escape: every byte that is not [A-Za-z0-9] becomes _XX (hex).
    return "/org/freedesktop/systemd1/unit/" + "".join(
        c if c.isascii() and c.isalnum() else "_%02x" % b for c, b in zip(unit, unit.encode()))


class Unit(dbus.service.Object):
    def __init__(self, unit):
        super().__init__(bus, object_path(unit))
        self.unit = unit

    @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        if interface != "org.freedesktop.systemd1.Unit" or prop != "ActiveState":
            raise dbus.DBusException("no property %s.%s" % (interface, prop),
                                     name="org.freedesktop.DBus.Error.UnknownProperty")
        with open(os.path.join(states, self.unit)) as f:
            return dbus.String(f.read().strip())


class Manager(dbus.service.Object):
    @dbus.service.method("org.freedesktop.systemd1.Manager", in_signature="s", out_signature="o")
    def GetUnit(self, unit):
        print("GetUnit", unit, flush=True)
        if "/" in unit or not os.path.exists(os.path.join(states, unit)):
            raise dbus.DBusException("Unit %s not loaded." % unit, name="org.freedesktop.systemd1.NoSuchUnit")
        with open(os.path.join(states, unit)) as f:
            if f.read().strip() == "hang":
                time.sleep(5)
        if unit not in units:
            units[unit] = Unit(unit)
        return dbus.ObjectPath(object_path(unit))


manager = Manager(bus, "/org/freedesktop/systemd1")
name = dbus.service.BusName("org.freedesktop.systemd1", bus)
print("ready", flush=True)
GLib.MainLoop().run()
