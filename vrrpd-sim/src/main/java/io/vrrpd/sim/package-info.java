/**
 * A simulated network of VRRP routers on a virtual clock, driving the real protocol core of
 * {@code vrrpd-protocol}: the same codec, receive validation and state machine the daemon runs.
 *
 * <h2>Model</h2>
 * A {@link io.vrrpd.sim.Simulation} holds {@link io.vrrpd.sim.Lan}s; each {@link io.vrrpd.sim.Host} sits on
 * one LAN and runs one or more {@link io.vrrpd.sim.Router}s (one {@code RouterConfig} each). An
 * advertisement is encoded once per priority by {@code AdvertisementWriter} and one copy per other running
 * host goes on the wire; each copy is lost, delayed and jittered on its own ({@link io.vrrpd.sim.LinkQuality}),
 * then passes {@code ReceiveValidator} on the receiving host (TTL 255, demultiplexed by family and VRID,
 * every verdict counted) before {@code RouterStateMachine.step} sees it. The simulator carries out the
 * actions the core returns and nothing else: it never decides a state.
 *
 * <p>{@link io.vrrpd.sim.Fault}s happen at scheduled times: link quality, partitions and their heal, host
 * crash (no priority-0 advertisement; copies in flight to the host are lost), graceful stop (Shutdown),
 * restart (fresh state, Startup) and priority changes. Simplifications, each harmless for VRRP: a partition
 * is decided when a copy is sent (a copy already on the wire still arrives), and there is no IP layer below
 * the VRRP message beyond its source, destination and TTL.
 *
 * <h2>Determinism</h2>
 * A run is a function of its inputs and its seed: virtual time only, one {@code SplittableRandom} for every
 * draw, events at the same nanosecond in the order they were scheduled, and no iteration over hash order
 * (groups keep insertion order). {@link io.vrrpd.sim.TimelineEntry} lines are formatted with integer
 * arithmetic, so one seed prints one byte-identical timeline.
 *
 * <h2>Cost</h2>
 * The scale run ({@link io.vrrpd.sim.ScaleScenario}) processes tens of millions of events, so: the event
 * queue is a calendar queue ({@code EventQueue}); a router's timer slot is its own queue entry and moving a
 * Backup's Master_Down_Timer later costs no queue operation ({@code TimerSlot}); encoded advertisements are
 * shared by every copy; and timeline entries are built only when a timeline was asked for.
 */
package io.vrrpd.sim;
