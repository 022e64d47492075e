// errgroup_noop measures Go's errgroup on the workload Fanout's TaskGroup is held to: N no-op
// tasks through one group with SetLimit(limit). It prints ns per task for each round and the
// median, so the figure sits beside TaskGroup's measured on the same machine.
//
// Run (Debian's golang-go and golang-golang-x-sync-dev, GOPATH mode):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run benchmarks/go/errgroup_noop.go -n 100000 -limit 64
package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"
)

func main() {
	n := flag.Int("n", 100000, "tasks per round")
	limit := flag.Int("limit", 64, "errgroup SetLimit")
	rounds := flag.Int("rounds", 30, "rounds (the first third is warm-up)")
	flag.Parse()

	var perTask []float64
	for r := 0; r < *rounds; r++ {
		start := time.Now()
		g, ctx := errgroup.WithContext(context.Background())
		g.SetLimit(*limit)
		for i := 0; i < *n; i++ {
			g.Go(func() error {
				_ = ctx
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			panic(err)
		}
		ns := float64(time.Since(start).Nanoseconds()) / float64(*n)
		if r >= *rounds/3 {
			perTask = append(perTask, ns)
		}
	}
	sort.Float64s(perTask)
	fmt.Printf("errgroup n=%d limit=%d: median %.0f ns/task (min %.0f)\n",
		*n, *limit, perTask[len(perTask)/2], perTask[0])
}
