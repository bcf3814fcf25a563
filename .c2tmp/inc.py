import json,sys,collections
p=json.load(open(sys.argv[1]))
nodes={n['id']:n for n in p['nodes']}
parent={}
for n in p['nodes']:
  for c in n.get('children',[]): parent[c]=n['id']
self=collections.Counter()
for s,d in zip(p['samples'],p['timeDeltas']): self[s]+=d
tot=sum(self.values())
inc=collections.Counter()
for nid,t in self.items():
  seen=set(); x=nid
  while x is not None:
    cf=nodes[x]['callFrame']; k=(cf['functionName'] or '(anon)')+' '+cf['url'].split('/')[-1]+':'+str(cf['lineNumber'])
    if k not in seen: seen.add(k); inc[k]+=t
    x=parent.get(x)
for k,v in inc.most_common(80):
  print(f"{v/1000:8.0f}ms {v/tot*100:5.1f}% {k}")
