$ipis0 << EOD
2 1.95
4 8.79
8 20.51
EOD
$time0 << EOD
1 17269
2 10740
4 11531
8 18051
EOD
$ipis1 << EOD
2 1.95
4 5.86
8 13.67
EOD
$time1 << EOD
1 11791
2 7919
4 11300
8 13873
EOD
$ipis2 << EOD
2 992.19
4 3017.58
8 7075.2
EOD
$time2 << EOD
1 18402
2 52568
4 129881
8 717648
EOD
$ipis3 << EOD
2 996.09
4 2999.02
8 6999.02
EOD
$time3 << EOD
1 49791
2 77215
4 178816
8 724636
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 8798
2 8428
4 5923
8 10736
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "6.1.0-57-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "6.1.0-57-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
