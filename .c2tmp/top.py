import json,sys,collections
p=json.load(open(sys.argv[1]))
nodes={n['id']:n for n in p['nodes']}
self=collections.Counter()
dt=p['timeDeltas']; 
for s,d in zip(p['samples'],dt): self[s]+=d
byfn=collections.Counter(); 
for nid,t in self.items():
  cf=nodes[nid]['callFrame']; byfn[(cf['functionName'] or '(anon)')+' '+cf['url'].split('/')[-1]+':'+str(cf['lineNumber'])]+=t
tot=sum(self.values())
for k,v in byfn.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 40): print(f"{v/tot*100:5.1f}% {k}")
# inclusive by url package
parent={}
for n in p['nodes']:
  for c in n.get('children',[]): parent[c]=n['id']
inc=collections.Counter()
for nid,t in self.items():
  seen=set(); x=nid
  while x is not None:
    u=nodes[x]['callFrame']['url']
    key=None
    for pk in ['node-fetch','grammy','abort-controller','event-target-shim','pg/','pg-protocol','drizzle-orm','src/delivery','bots/telegram','node:http','_http','node:net','pglite']:
      if pk in u: key=pk
    if key and key not in seen: seen.add(key); inc[key]+=t
    x=parent.get(x)
print('--- inclusive by module')
for k,v in inc.most_common(): print(f"{v/tot*100:5.1f}% {k}")
