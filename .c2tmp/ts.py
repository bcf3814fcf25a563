import json,sys,collections
p=json.load(open(sys.argv[1]))
nodes={n['id']:n for n in p['nodes']}
t=0; b=collections.defaultdict(collections.Counter)
for s,d in zip(p['samples'],p['timeDeltas']):
  t+=d; fn=nodes[s]['callFrame']['functionName'] or '(anon)'
  b[int(t/250000)][fn if fn in ('(idle)','writev','(garbage collector)') else 'js']+=d
for k in sorted(b): 
  tot=sum(b[k].values()); print(k*0.25, ' '.join(f"{n}={v/tot*100:.0f}%" for n,v in b[k].most_common()))
