/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_ether.h>
#include <rte_ip.h>
#include "conflict.h"
#include "csum.h"
#include "dataplane.h"
#include "ndp.h"

#define ND_OPT_SOURCE_LL 1
#define ND_OPT_TARGET_LL 2
#define ND_FLAG_SOLICITED 0x40
#define ND_FLAG_OVERRIDE 0x20

/* An NS or NA: ICMPv6 header, 4 bytes of flags/reserved, the target, options. */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	uint8_t flags;
	uint8_t reserved[3];
	uint8_t target[16];
} __rte_packed;

struct nd_opt_ll {
	uint8_t type;
	uint8_t len;              /* in units of 8 bytes */
	uint8_t mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

/* ff02::1, every node on the link, and its MAC. */
static const uint8_t ALL_NODES[16] = { 0xff, 0x02, [15] = 0x01 };
static const struct rte_ether_addr ALL_NODES_MAC = { .addr_bytes = { 0x33, 0x33, 0, 0, 0, 1 } };

/* ff02::1:ffXX:XXXX and 33:33:ff:XX:XX:XX for target. */
static void solicited_node(const struct addr *target, uint8_t ip[16], struct rte_ether_addr *mac)
{
	static const uint8_t prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };
	memcpy(ip, prefix, 13);
	memcpy(ip + 13, target->b + 13, 3);
	uint8_t m[6] = { 0x33, 0x33, 0xff, target->b[13], target->b[14], target->b[15] };
	memcpy(mac->addr_bytes, m, 6);
}

static struct rte_mbuf *nd_frame(uint16_t port, uint8_t type, uint8_t flags, const struct addr *src,
				 const uint8_t dst_ip[16], const struct rte_ether_addr *dst_mac,
				 const struct addr *target)
{
	const struct port *pt = &dp.ports[port];
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	if (m == NULL)
		return NULL;
	uint32_t icmp_len = sizeof(struct nd_msg) + sizeof(struct nd_opt_ll);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr) + icmp_len);
	if (eth == NULL) {   /* a data room smaller than the message: no frame rather than a write past it */
		rte_pktmbuf_free(m);
		return NULL;
	}
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct nd_msg *nd = (struct nd_msg *)(ip + 1);
	struct nd_opt_ll *opt = (struct nd_opt_ll *)(nd + 1);
	rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(&pt->mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)icmp_len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;            /* RFC 4861: receivers drop ND with any other */
	memcpy(ip->src_addr, src->b, 16);
	memcpy(ip->dst_addr, dst_ip, 16);
	memset(nd, 0, sizeof(*nd));
	nd->type = type;
	nd->flags = flags;
	memcpy(nd->target, target->b, 16);
	opt->type = type == ND_SOLICIT ? ND_OPT_SOURCE_LL : ND_OPT_TARGET_LL;
	opt->len = 1;
	memcpy(opt->mac, pt->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	nd->cksum = icmp6_checksum(ip, nd, icmp_len);
	return m;
}

struct rte_mbuf *nd_solicit(uint16_t port, const struct addr *target)
{
	uint8_t ip[16];
	struct rte_ether_addr mac;
	solicited_node(target, ip, &mac);
	return nd_frame(port, ND_SOLICIT, 0, &dp.ports[port].a[1].addr, ip, &mac, target);
}

struct rte_mbuf *nd_unsolicited_advert(uint16_t port, const struct addr *addr)
{
	return nd_frame(port, ND_ADVERT, ND_FLAG_OVERRIDE, addr, ALL_NODES, &ALL_NODES_MAC, addr);
}

/* The link-layer address option of the given type into mac, if present and well formed. */
static bool nd_option(const uint8_t *opts, uint32_t len, uint8_t type, struct rte_ether_addr *mac)
{
	while (len >= 8) {
		uint32_t olen = opts[1] * 8u;
		if (olen == 0 || olen > len)
			return false;
		if (opts[0] == type && olen == 8) {
			memcpy(mac->addr_bytes, opts + 2, RTE_ETHER_ADDR_LEN);
			return true;
		}
		opts += olen;
		len -= olen;
	}
	return false;
}

void nd_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p)
{
	struct rte_ipv6_hdr *ip = pkt_ip6(p);
	if (unlikely(p->l4_len < sizeof(struct nd_msg) || ip->hop_limits != 255 || p->icmp_code != 0)) {
		drop(w, p->m, DROP_BAD_L4_HEADER);
		return;
	}
	struct nd_msg *nd = (struct nd_msg *)pkt_l4(p);
	struct addr target;
	memcpy(target.b, nd->target, 16);
	const uint8_t *opts = (const uint8_t *)(nd + 1);
	uint32_t opts_len = p->l4_len - sizeof(*nd);

	struct rte_ether_addr mac;
	if (p->icmp_type == ND_ADVERT) {
		if (!nd_option(opts, opts_len, ND_OPT_TARGET_LL, &mac))
			mac = p->eth->src_addr;
		neigh_learn(&dp.neigh, GFWD_AF_INET6, &target, &mac, w->now_tsc);
		address_claimed(w, cfg, in_port, GFWD_AF_INET6, &target, &mac, GFWD_CONFLICT_NDP);
		rte_pktmbuf_free(p->m);
		return;
	}
	/* A solicitation: learn the asker (unless it is probing for a duplicate from ::). */
	struct addr src = p->key.src;
	bool dad = addr_is_zero(&src);
	bool has_mac = nd_option(opts, opts_len, ND_OPT_SOURCE_LL, &mac);
	if (!dad && has_mac)
		neigh_learn(&dp.neigh, GFWD_AF_INET6, &src, &mac, w->now_tsc);
	if (!dad)
		address_claimed(w, cfg, in_port, GFWD_AF_INET6, &src, has_mac ? &mac : &p->eth->src_addr,
				GFWD_CONFLICT_NDP);
	if (!dp_answers_for(cfg, GFWD_AF_INET6, &target)) {
		drop(w, p->m, DROP_NOT_FOR_US);
		return;
	}
	struct rte_ether_addr to_mac = has_mac ? mac : p->eth->src_addr;
	struct rte_mbuf *na = dad ? nd_frame(in_port, ND_ADVERT, ND_FLAG_OVERRIDE, &target, ALL_NODES, &ALL_NODES_MAC, &target)
				  : nd_frame(in_port, ND_ADVERT, ND_FLAG_SOLICITED | ND_FLAG_OVERRIDE, &target,
					     src.b, &to_mac, &target);
	rte_pktmbuf_free(p->m);
	if (na == NULL) {
		w->cnt.drop[DROP_NO_MBUF]++;
		return;
	}
	w->cnt.event[EV_ND_ADVERTS]++;
	emit(w, in_port, na);
}
