#!/usr/bin/env python3
"""What OLM creates from a bundle, as YAML for `kubectl create -f -`, where OLM is absent (the
node demo). The same reading as the E2E's rig (e2e/.../rig/BundleInstall.java over
bundle/.../OlmInstall.java), for a shell script:

  olm_install.py BUNDLE_DIR crds [NAME=VALUE...]   the bundle's CRDs
  olm_install.py BUNDLE_DIR rest [NAME=VALUE...]   the namespace (the CSV's suggested-namespace
        template), the bundle's other manifests in it, and from the CSV's install strategy: per
        ServiceAccount a Role + RoleBinding (permissions) and a ClusterRole + ClusterRoleBinding
        (clusterPermissions), named CSV-ACCOUNT, and the Deployments
  olm_install.py BUNDLE_DIR namespace             the namespace's name

NAME=VALUE: environment variables set on every container of the Deployments, as a Subscription's
spec.config.env does (an entry replaces the container's variable of that name).
"""
import glob
import json
import os
import sys

import yaml


def load(bundle):
    csv, crds, others = None, [], []
    for path in sorted(glob.glob(os.path.join(bundle, "manifests", "*.yaml"))):
        with open(path) as f:
            doc = yaml.safe_load(f)
        if doc["kind"] == "ClusterServiceVersion":
            csv = doc
        elif doc["kind"] == "CustomResourceDefinition":
            crds.append(doc)
        else:
            others.append(doc)
    if csv is None:
        sys.exit(f"no ClusterServiceVersion in {bundle}/manifests")
    return csv, crds, others


def strategy(csv, namespace, env):
    spec = csv["spec"]["install"]["spec"]
    owner = csv["metadata"]["name"]
    permissions = spec.get("permissions") or []
    cluster = spec.get("clusterPermissions") or []
    objects = []
    for account in dict.fromkeys(p["serviceAccountName"] for p in permissions + cluster):
        objects.append({"apiVersion": "v1", "kind": "ServiceAccount",
                        "metadata": {"name": account, "namespace": namespace}})
    for grants, role, binding, scoped in ((permissions, "Role", "RoleBinding", True),
                                          (cluster, "ClusterRole", "ClusterRoleBinding", False)):
        for grant in grants:
            name = f"{owner}-{grant['serviceAccountName']}"
            meta = {"name": name, "namespace": namespace} if scoped else {"name": name}
            objects.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": role,
                            "metadata": meta, "rules": grant["rules"]})
            objects.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": binding,
                            "metadata": dict(meta),
                            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role,
                                        "name": name},
                            "subjects": [{"kind": "ServiceAccount",
                                          "name": grant["serviceAccountName"],
                                          "namespace": namespace}]})
    for d in spec["deployments"]:
        for container in d["spec"]["template"]["spec"]["containers"]:
            variables = [e for e in container.get("env", []) if e["name"] not in env]
            container["env"] = variables + [{"name": k, "value": v} for k, v in env.items()]
        objects.append({"apiVersion": "apps/v1", "kind": "Deployment",
                        "metadata": {"name": d["name"], "namespace": namespace,
                                     "labels": d.get("label", {})},
                        "spec": d["spec"]})
    return objects


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("crds", "rest", "namespace"):
        sys.exit(__doc__)
    bundle, part = sys.argv[1], sys.argv[2]
    env = dict(a.split("=", 1) for a in sys.argv[3:])
    csv, crds, others = load(bundle)
    namespace = json.loads(
        csv["metadata"]["annotations"]["operatorframework.io/suggested-namespace-template"])
    name = namespace["metadata"]["name"]
    if part == "namespace":
        print(name)
        return
    if part == "crds":
        docs = crds
    else:
        for o in others:
            o["metadata"]["namespace"] = name
        docs = [namespace] + others + strategy(csv, name, env)
    yaml.safe_dump_all(docs, sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main()
